// The StudioApi contract suite: one script of calls, run through any transport given as an envelope caller,
// so every transport (core direct, HTTP, IPC) can be shown to give the same answers.
import type { Envelope } from '../../src-main/api/envelope.js';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../src-main/api/errors.js';
import { openLibrary } from '../../src-main/core/library/library.js';
import { insertSyntheticPhotos } from '../helpers/insert-photos.js';

/** What a transport must offer the suite: send one call with an untrusted request, get the envelope back. */
export type EnvelopeCaller = (method: string, request: unknown) => Promise<Envelope<unknown>>;

export interface ContractTransport {
  name: string;
  /** Opens the library folder (already prepared) behind this transport. */
  open(libraryDir: string): Promise<{ call: EnvelopeCaller; close(): Promise<void> }>;
}

export interface ScriptStep {
  method: string;
  request: unknown;
  /** the outcome the contract promises */
  expect: 'ok' | ErrorCode;
  /** what the answer's value must contain (a partial match), where the script's state fixes it */
  value?: unknown;
}

export const SYNTHETIC_PHOTOS = 12;

export function prepareContractLibrary(libraryDir: string): void {
  const library = openLibrary(libraryDir);
  insertSyntheticPhotos(library.db, SYNTHETIC_PHOTOS);
  library.close();
}

export const CONTRACT_SCRIPT: readonly ScriptStep[] = [
  { method: 'library.info', request: {}, expect: 'ok' },
  { method: 'library.stats', request: {}, expect: 'ok' },
  { method: 'classes.create', request: { name: 'alpaca' }, expect: 'ok', value: { id: 1, name: 'alpaca' } },
  { method: 'classes.create', request: { name: 'not alpaca', color: '#123456' }, expect: 'ok' },
  { method: 'classes.create', request: { name: 'ALPACA' }, expect: 'CONFLICT' },
  { method: 'classes.create', request: { name: '' }, expect: 'INVALID_INPUT' },
  { method: 'classes.create', request: { name: 'x', color: 'red' }, expect: 'INVALID_INPUT' },
  { method: 'classes.list', request: {}, expect: 'ok', value: [{ id: 1, name: 'alpaca' }, { id: 2, name: 'not alpaca', color: '#123456' }] },
  { method: 'labels.set', request: { photoIds: [1, 2, 3], classId: 1 }, expect: 'ok' },
  { method: 'labels.set', request: { photoIds: [4, 5], classId: 2, source: 'review' }, expect: 'ok' },
  { method: 'labels.set', request: { photoIds: [], classId: 1 }, expect: 'INVALID_INPUT' },
  { method: 'labels.set', request: { photoIds: [999_999], classId: 1 }, expect: 'NOT_FOUND' },
  { method: 'labels.set', request: { photoIds: [1], classId: 999 }, expect: 'NOT_FOUND' },
  { method: 'labels.set', request: { photoIds: [1], classId: null }, expect: 'ok' },
  { method: 'photos.list', request: {}, expect: 'ok', value: { total: SYNTHETIC_PHOTOS } },
  { method: 'photos.list', request: { classId: 1, sort: 'id', descending: true, limit: 5 }, expect: 'ok', value: { total: 2, items: [{ id: 3 }, { id: 2 }] } },
  { method: 'photos.list', request: { unlabeled: true, limit: 3, offset: 2 }, expect: 'ok', value: { total: SYNTHETIC_PHOTOS - 4, items: [{ classId: null }, { classId: null }, { classId: null }] } },
  { method: 'photos.list', request: { limit: 0 }, expect: 'INVALID_INPUT' },
  { method: 'photos.get', request: { id: 2 }, expect: 'ok', value: { id: 2, classId: 1 } },
  { method: 'photos.get', request: { id: 999_999 }, expect: 'NOT_FOUND' },
  { method: 'photos.get', request: { id: '2' }, expect: 'INVALID_INPUT' },
  { method: 'photos.duplicateGroups', request: {}, expect: 'ok' },
  { method: 'photos.folders', request: {}, expect: 'ok', value: Array.from({ length: 10 }, (_, day) => ({ folder: `/photos/day${day}`, photos: day < 2 ? 2 : 1 })) },
  { method: 'photos.list', request: { search: 'img_00001' }, expect: 'ok', value: { total: 2, items: [{ fileName: 'IMG_000010.jpg' }, { fileName: 'IMG_000011.jpg' }] } },
  { method: 'photos.list', request: { search: 'x'.repeat(201) }, expect: 'INVALID_INPUT' },
  { method: 'photos.indexOf', request: { photoId: 2, sort: 'id' }, expect: 'ok' },
  { method: 'photos.nextUnlabeled', request: { after: -1 }, expect: 'ok' },
  { method: 'photos.nextUnlabeled', request: { after: -2 }, expect: 'INVALID_INPUT' },
  { method: 'photos.previewImport', request: { root: 'relative/photos' }, expect: 'INVALID_INPUT' },
  { method: 'photos.import', request: { root: 'relative/photos' }, expect: 'INVALID_INPUT' },
  { method: 'labels.undo', request: {}, expect: 'ok' },
  { method: 'labels.undo', request: {}, expect: 'ok' },
  { method: 'labels.redo', request: {}, expect: 'ok' },
  { method: 'classes.rename', request: { id: 2, name: 'other' }, expect: 'ok' },
  { method: 'classes.rename', request: { id: 2, name: 'alpaca' }, expect: 'CONFLICT' },
  { method: 'classes.merge', request: { sourceId: 2, targetId: 2 }, expect: 'INVALID_INPUT' },
  { method: 'classes.create', request: { name: 'third' }, expect: 'ok' },
  { method: 'classes.merge', request: { sourceId: 3, targetId: 1 }, expect: 'ok' },
  { method: 'classes.delete', request: { id: 2 }, expect: 'ok' },
  { method: 'classes.delete', request: { id: 2 }, expect: 'NOT_FOUND' },
  { method: 'library.stats', request: {}, expect: 'ok' },
  { method: 'jobs.list', request: {}, expect: 'ok', value: [] },
  { method: 'jobs.get', request: { jobId: 'no-such-job' }, expect: 'NOT_FOUND' },
  { method: 'jobs.cancel', request: { jobId: 'no-such-job' }, expect: 'ok', value: { cancelled: false } },
  { method: 'training.fields', request: {}, expect: 'ok' },
  { method: 'training.start', request: { kfold: 1 }, expect: 'INVALID_INPUT' },
  { method: 'training.start', request: { fineTuneLayers: 5 }, expect: 'INVALID_INPUT' },
  { method: 'training.start', request: { inputSize: 100 }, expect: 'INVALID_INPUT' },
  { method: 'runs.list', request: {}, expect: 'ok', value: [] },
  { method: 'runs.get', request: { id: 1 }, expect: 'NOT_FOUND' },
  { method: 'photos.import', request: { root: '' }, expect: 'INVALID_INPUT' },
  { method: 'curate.copy', request: { outDir: 'relative/out' }, expect: 'INVALID_INPUT' },
  { method: 'curate.copy', request: { outDir: '/nowhere/curate-out', by: 'prediction', dryRun: true }, expect: 'NOT_FOUND' },
  { method: 'curate.copy', request: { outDir: '/nowhere/curate-out', mode: 'move' }, expect: 'INVALID_INPUT' },
  { method: 'curate.dataset', request: { outDir: '/nowhere/curate-out', validationFraction: 1 }, expect: 'INVALID_INPUT' },
  { method: 'curate.table', request: { outFile: 'photos.csv' }, expect: 'INVALID_INPUT' },
  { method: 'curate.table', request: { outFile: '/nowhere/photos.xml', format: 'xml' }, expect: 'INVALID_INPUT' },
  { method: 'curate.xmp', request: { by: 'prediction' }, expect: 'NOT_FOUND' },
  { method: 'curate.xmp', request: { naming: 'xmp' }, expect: 'INVALID_INPUT' },
  { method: 'no.suchMethod', request: {}, expect: 'NOT_FOUND' },
  { method: 'classes.list', request: null, expect: 'INVALID_INPUT' },
];

/** Every answer, on every transport: exactly one of these two shapes, with a known error code and a message. */
export const ENVELOPE = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string().min(1), details: z.unknown().optional() }) }),
]);

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Removes what legitimately differs between two libraries: timestamps and the library's folder. */
export function normalizeEnvelope(envelope: Envelope<unknown>, libraryDir: string): unknown {
  return JSON.parse(JSON.stringify(envelope), (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    if (ISO_TIME.test(value)) return '<time>';
    return value.split(libraryDir).join('<library>');
  }) as unknown;
}

export async function runContractScript(call: EnvelopeCaller): Promise<Array<{ step: ScriptStep; envelope: Envelope<unknown> }>> {
  const results: Array<{ step: ScriptStep; envelope: Envelope<unknown> }> = [];
  for (const step of CONTRACT_SCRIPT) results.push({ step, envelope: await call(step.method, step.request) });
  return results;
}
