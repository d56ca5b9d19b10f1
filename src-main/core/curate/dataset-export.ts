// Dataset export in the Keras `image_dataset_from_directory` layout: OUT/train/<class>/, OUT/validation/<class>/ by a
// run's split or a new seeded stratified one, plus OUT/manifest.csv (path, label, split, content hash).
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../api/errors.js';
import type { CurateDatasetRequest, CurateReport, PlannedFile } from '../../api/curate-schemas.js';
import type { Photo } from '../../api/schemas.js';
import type { JobContext } from '../jobs/job-context.js';
import type { Library } from '../library/library.js';
import { requireAbsoluteFolder } from '../photos/preview-import.js';
import { splitTrainValidation } from '../ml/training/split.js';
import { csvText } from './csv.js';
import { countByGroup, createNamePlanner, folderName, placeFiles, realOutPath, refuseOriginalsFolder } from './place-files.js';
import { resolveRun, selectPhotos } from './select-photos.js';

export const MANIFEST_NAME = 'manifest.csv';
export const MANIFEST_HEADER = ['path', 'label', 'split', 'sha256'] as const;
type Split = 'train' | 'validation';

/** The run's train/validation assignment, or null when the run cross-validated (every photo was validation once). */
function runSplit(db: Database, runId: number): Map<number, Split> | null {
  const rows = db.prepare('SELECT photo_id AS photoId, split, fold FROM run_photos WHERE run_id = ?').all(runId) as Array<{ photoId: number; split: 'train' | 'val'; fold: number | null }>;
  if (rows.some((r) => r.fold !== null)) return null;
  return new Map(rows.map((r) => [r.photoId, r.split === 'val' ? 'validation' : 'train']));
}

function newSplit(photos: readonly Photo[], request: CurateDatasetRequest): Map<number, Split> {
  const classIndex = new Map([...new Set(photos.map((p) => p.className!))].sort().map((name, i) => [name, i]));
  const split = splitTrainValidation(
    photos.map((p) => ({ id: p.id, classIndex: classIndex.get(p.className!)!, dupGroup: p.dupGroup, sortKey: p.contentHash })),
    { validationFraction: request.validationFraction, seed: request.seed },
  );
  return new Map<number, Split>([...split.train.map((id): [number, Split] => [id, 'train']), ...split.validation.map((id): [number, Split] => [id, 'validation'])]);
}

function refuseNonEmpty(out: string): void {
  if (fs.existsSync(out) && (!fs.statSync(out).isDirectory() || fs.readdirSync(out).length > 0)) {
    throw new StudioError('CONFLICT', `${out}: is not an empty folder; a dataset is exported into a new or empty one`);
  }
}

/** Plans at once (so bad input is refused before a job starts); the returned job places the files and the manifest. */
export function exportDataset(library: Library, request: CurateDatasetRequest): (ctx: JobContext) => Promise<CurateReport> {
  const { db } = library;
  requireAbsoluteFolder(request.outDir);
  const out = realOutPath(request.outDir);
  refuseOriginalsFolder(db, out);
  refuseNonEmpty(out);
  const skipped: CurateReport['skipped'] = [];
  const usable: Photo[] = [];
  for (const photo of selectPhotos(db, request.selection, null)) {
    if (photo.status !== 'ok') skipped.push({ path: photo.path, reason: `the photo is ${photo.status}` });
    else if (photo.className === null) skipped.push({ path: photo.path, reason: 'no label' });
    else if (photo.excluded) skipped.push({ path: photo.path, reason: 'excluded from training' });
    else usable.push(photo);
  }
  const runId = request.newSplit ? null : resolveRun(db, request.runId, false);
  const fromRun = runId === null ? null : runSplit(db, runId);
  const splits = fromRun ?? newSplit(usable, request);
  const nextName = createNamePlanner(out);
  const planned: PlannedFile[] = [];
  const rows: Array<[string, string, Split, string]> = [];
  for (const photo of usable) {
    const split = splits.get(photo.id);
    if (split === undefined) {
      skipped.push({ path: photo.path, reason: `not in run ${runId}'s training set (labeled after it); use a new split to include it` });
      continue;
    }
    const group = `${split}/${folderName(photo.className!)}`;
    const target = nextName(group, photo.fileName);
    planned.push({ photoId: photo.id, source: photo.path, target, group });
    rows.push([path.relative(out, target).split(path.sep).join('/'), photo.className!, split, photo.contentHash]);
  }
  const manifest = path.join(out, MANIFEST_NAME);
  return async (ctx) => {
    const placed = await placeFiles(planned, request.mode, request.dryRun, ctx);
    if (!request.dryRun && !placed.cancelled) {
      const failed = new Set(placed.skipped.map((s) => s.path));
      const written = rows.filter((_, i) => !failed.has(planned[i]!.source));
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(manifest, csvText(MANIFEST_HEADER, written), { flag: 'wx' });
    }
    return {
      action: 'dataset',
      dryRun: request.dryRun,
      out,
      runId: fromRun ? runId : null,
      counts: countByGroup(planned),
      planned,
      written: placed.written,
      skipped: [...skipped, ...placed.skipped],
      manifest: request.dryRun || placed.cancelled ? null : manifest,
      cancelled: placed.cancelled,
    };
  };
}
