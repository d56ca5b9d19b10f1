// The StudioApi contract suite: one script of calls, run through any transport given as an envelope caller,
// so every transport (core direct, HTTP, IPC) can be shown to give the same answers.
import type { Envelope } from '../../src-main/api/envelope.js';
import { z } from 'zod';
import { studioEvents, type EventName } from '../../src-main/api/contract.js';
import { ERROR_CODES, type ErrorCode } from '../../src-main/api/errors.js';
import { JOB_RESULTS } from '../../src-main/api/job-schemas.js';
import { createClass } from '../../src-main/core/library/classes.js';
import { setLabels } from '../../src-main/core/library/labels.js';
import { openLibrary } from '../../src-main/core/library/library.js';
import { createRun, finishRun, savePredictions, saveRunPhotos, startRun, type RunConfig } from '../../src-main/core/ml/runs/runs.js';
import { toRunMetrics } from '../../src-main/core/ml/runs/train-run.js';
import { DEFAULT_TRAINING_CONFIG } from '../../src-main/core/ml/training/training-config.js';
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

const SYNTHETIC_DAYS = ['2024-01-06', '2024-01-11', '2024-01-17', '2024-01-22', '2024-01-28', '2024-02-02', '2024-02-08', '2024-02-13', '2024-02-19', '2024-02-24', '2024-03-01'];

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
  // synthetic photos 2–12 were taken 5½ days apart from 2024-01-06 (helpers/insert-photos.ts); photo 1 has no date
  { method: 'photos.days', request: {}, expect: 'ok', value: { undated: 1, days: SYNTHETIC_DAYS.map((day) => ({ day, count: 1 })) } },
  // the day list leaves its own day filter out; photos 2–5 are labeled here
  { method: 'photos.days', request: { unlabeled: true, dayFrom: '2024-01-01', dayTo: '2024-01-01' }, expect: 'ok', value: { undated: 1, trips: SYNTHETIC_DAYS.slice(4).map((day) => ({ from: day, to: day, days: 1, count: 1 })) } },
  { method: 'photos.days', request: { dayFrom: '2024-02-30' }, expect: 'INVALID_INPUT' },
  { method: 'photos.places', request: {}, expect: 'ok', value: { places: [], noLocation: SYNTHETIC_PHOTOS } },
  { method: 'photos.places', request: { placeId: 0 }, expect: 'INVALID_INPUT' },
  { method: 'photos.list', request: { dayFrom: '2024-01-11', dayTo: '2024-01-22', sort: 'takenAt' }, expect: 'ok', value: { total: 3, items: [{ id: 3 }, { id: 4 }, { id: 5 }] } },
  { method: 'photos.list', request: { undated: true, noPlace: true }, expect: 'ok', value: { total: 1, items: [{ id: 1, takenAt: null }] } },
  { method: 'photos.list', request: { dayFrom: '2024-02-02', dayTo: '2024-01-06' }, expect: 'INVALID_INPUT' },
  { method: 'photos.import', request: { root: 'relative/photos' }, expect: 'INVALID_INPUT' },
  { method: 'photos.remove', request: { photoIds: [6, 7], dryRun: true }, expect: 'ok', value: { removalId: null, dryRun: true, scope: 'ids', count: 2 } },
  { method: 'photos.remove', request: { photoIds: [6, 7] }, expect: 'ok', value: { removalId: 1, count: 2, photos: [{ id: 6 }, { id: 7 }] } },
  { method: 'photos.list', request: {}, expect: 'ok', value: { total: SYNTHETIC_PHOTOS - 2 } },
  { method: 'photos.remove', request: {}, expect: 'INVALID_INPUT' },
  { method: 'photos.remove', request: { missing: true, folder: '/photos' }, expect: 'INVALID_INPUT' },
  { method: 'photos.remove', request: { folder: 'relative/photos' }, expect: 'INVALID_INPUT' },
  { method: 'photos.remove', request: { photoIds: [999_999] }, expect: 'NOT_FOUND' },
  { method: 'photos.restore', request: {}, expect: 'ok', value: { removalId: 1, restored: 2, photoIds: [6, 7], skipped: [] } },
  { method: 'photos.restore', request: { removalId: 1 }, expect: 'CONFLICT' },
  { method: 'photos.restore', request: { removalId: 99 }, expect: 'NOT_FOUND' },
  { method: 'photos.list', request: {}, expect: 'ok', value: { total: SYNTHETIC_PHOTOS } },
  { method: 'folders.browse', request: { path: 'relative/photos' }, expect: 'INVALID_INPUT' },
  { method: 'folders.browse', request: { path: '/nowhere/folder' }, expect: 'NOT_FOUND' },
  { method: 'folders.browse', request: { path: '/' }, expect: 'ok', value: { path: '/', parent: null } },
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
  { method: 'curate.copy', request: { outDir: '/nowhere/curate-out', selection: { photoIds: [1, 2], classId: 1 } }, expect: 'INVALID_INPUT' },
  { method: 'curate.table', request: { outFile: '/nowhere/photos.csv', selection: { photoIds: [] } }, expect: 'INVALID_INPUT' },
  { method: 'curate.copy', request: { outDir: '/nowhere/curate-out', selection: { photoIds: [1, 999_999] }, dryRun: true }, expect: 'NOT_FOUND' },
  { method: 'photos.explain', request: { photoId: 1 }, expect: 'NOT_FOUND' },
  { method: 'photos.explain', request: { photoId: 0 }, expect: 'INVALID_INPUT' },
  { method: 'no.suchMethod', request: {}, expect: 'NOT_FOUND' },
  { method: 'classes.list', request: null, expect: 'INVALID_INPUT' },
];

/**
 * A library with one finished run and its stored predictions (written by the core's own run functions), for the calls
 * that answer with class probabilities: photos 1–4 labeled alpaca, 5–8 other, 9–12 unlabeled; photo 4 looks like
 * "other" to the model (a label-error suspect and misclassified).
 */
export function prepareRunLibrary(libraryDir: string): void {
  const library = openLibrary(libraryDir);
  const { db } = library;
  const ids = insertSyntheticPhotos(db, SYNTHETIC_PHOTOS);
  const classes = [createClass(db, 'alpaca'), createClass(db, 'other')].map((c) => ({ id: c.id, name: c.name }));
  setLabels(db, { photoIds: ids.slice(0, 4), classId: classes[0]!.id, source: 'user' });
  setLabels(db, { photoIds: ids.slice(4, 8), classId: classes[1]!.id, source: 'user' });
  const config: RunConfig = { ...DEFAULT_TRAINING_CONFIG, classes, backboneId: 'contract-fixture', preprocessing: {}, threshold: 0.5 };
  const runId = createRun(db, config);
  startRun(db, runId, 'cpu');
  const pAlpaca = [0.9, 0.8, 0.7, 0.2, 0.1, 0.3, 0.2, 0.4, 0.6, 0.5, 0.45, 0.95];
  const labeled = ids.slice(0, 8);
  saveRunPhotos(db, runId, labeled.map((photoId, i) => ({ photoId, split: 'train', fold: i % 2, classId: classes[i < 4 ? 0 : 1]!.id })));
  savePredictions(
    db,
    runId,
    ids.map((photoId, i) => {
      const p = pAlpaca[i]!;
      return {
        photoId,
        classId: classes[p >= 0.5 ? 0 : 1]!.id,
        confidence: Math.max(p, 1 - p),
        probabilities: [p, 1 - p],
        source: i < 8 ? 'out-of-fold' : 'unlabeled',
        labelErrorScore: i === 3 ? 0.6 : null,
        outlierScore: i === 11 ? 2 : 1,
      };
    }),
  );
  const labels = Int32Array.from(labeled, (_, i) => (i < 4 ? 0 : 1));
  const probabilities = Float32Array.from(labeled.flatMap((_, i) => [pAlpaca[i]!, 1 - pAlpaca[i]!]));
  const metrics = toRunMetrics(labels, probabilities, config, { k: 2, accuracies: [0.75, 1], mean: 0.875, std: 0.125 }, 'out-of-fold');
  finishRun(db, runId, { status: 'done', metrics: { ...metrics, frozenHead: { accuracy: 0.75, evaluation: { ...metrics.evaluation!, low: 0.4, high: 0.93 }, kfold: null } }, modelDir: library.paths.models });
  library.close();
}

const ALPACA_FIRST = (pAlpaca: number) => [
  { classId: 1, name: 'alpaca', p: pAlpaca },
  { classId: 2, name: 'other', p: 1 - pAlpaca },
];

/** Calls that answer with class probabilities (one {classId, name, p} per class, in the run's class order). */
export const RUN_SCRIPT: readonly ScriptStep[] = [
  { method: 'runs.list', request: {}, expect: 'ok', value: [{ id: 1, status: 'done' }] },
  { method: 'runs.get', request: { id: 1 }, expect: 'ok', value: { id: 1, metrics: { frozenHead: { accuracy: 0.75 } } } },
  { method: 'photos.get', request: { id: 1 }, expect: 'ok', value: { id: 1, probabilities: ALPACA_FIRST(0.9) } },
  { method: 'photos.get', request: { id: 12 }, expect: 'ok', value: { id: 12, probabilities: ALPACA_FIRST(0.95) } },
  { method: 'review.queue', request: { queue: 'label-errors' }, expect: 'ok', value: { runId: 1, items: [{ photo: { id: 4 }, predictedClassId: 2, probabilities: ALPACA_FIRST(0.2) }] } },
  { method: 'review.queue', request: { queue: 'misclassified' }, expect: 'ok', value: { runId: 1, items: [{ photo: { id: 4 }, probabilities: ALPACA_FIRST(0.2) }] } },
  { method: 'review.queue', request: { queue: 'uncertain' }, expect: 'ok', value: { runId: 1, total: 4 } },
  { method: 'review.queue', request: { queue: 'outliers' }, expect: 'ok', value: { runId: 1, items: [{ photo: { id: 12 }, probabilities: ALPACA_FIRST(0.95) }] } },
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

export async function runContractScript(call: EnvelopeCaller, script: readonly ScriptStep[] = CONTRACT_SCRIPT): Promise<Array<{ step: ScriptStep; envelope: Envelope<unknown> }>> {
  const results: Array<{ step: ScriptStep; envelope: Envelope<unknown> }> = [];
  for (const step of script) results.push({ step, envelope: await call(step.method, step.request) });
  return results;
}

/**
 * The contract for pushed events: the payload parses with its event's schema, and a finished job's result with its
 * kind's result type (JOB_RESULTS). Returns the issues, or undefined when the event is as promised.
 */
export function eventIssues(event: EventName, payload: unknown): unknown {
  const parsed = studioEvents[event].safeParse(payload);
  if (!parsed.success) return parsed.error.issues;
  if (event === 'job.finished') {
    const finished = parsed.data as { kind: keyof typeof JOB_RESULTS; status: string; result?: unknown };
    if (finished.status === 'done') return JOB_RESULTS[finished.kind].safeParse(finished.result).error?.issues;
  }
  return undefined;
}
