// A table of photos with their labels, a run's predictions and per-class probabilities, as CSV or JSON.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../api/errors.js';
import type { CurateReport, CurateTableRequest } from '../../api/curate-schemas.js';
import type { JobContext } from '../jobs/job-context.js';
import type { ClassProbabilities } from '../../api/class-probabilities.js';
import { toClassProbabilities } from '../library/class-probabilities.js';
import type { Library } from '../library/library.js';
import { getRunConfig, listPredictions } from '../ml/runs/runs.js';
import { csvText } from './csv.js';
import { realOutPath } from './place-files.js';
import { classNames, resolveRun, selectPhotos } from './select-photos.js';

export interface PhotoTableRow {
  id: number;
  path: string;
  sha256: string;
  label: string | null;
  predicted: string | null;
  confidence: number | null;
  /** the photo's part in the run: train, val, out-of-fold (k-fold), none (unlabeled) */
  split: string | null;
  /** in the run's class order (names as the library calls the classes now) */
  probabilities: ClassProbabilities | null;
}

export function photoTableRows(library: Library, request: Pick<CurateTableRequest, 'selection' | 'runId'>): { runId: number | null; classes: string[]; rows: PhotoTableRow[] } {
  const { db } = library;
  const runId = resolveRun(db, request.runId, false);
  const names = classNames(db, runId);
  const runClasses = runId === null ? [] : getRunConfig(db, runId).classes.map((c) => ({ id: c.id, name: names.get(c.id) ?? c.name }));
  const classes = runClasses.map((c) => c.name);
  const probabilities = new Map(runId === null ? [] : listPredictions(db, runId).map((p) => [p.photoId, p.probabilities]));
  const rows = selectPhotos(db, request.selection, runId).map((photo): PhotoTableRow => {
    const probs = probabilities.get(photo.id);
    return {
      id: photo.id,
      path: photo.path,
      sha256: photo.contentHash,
      label: photo.className,
      predicted: photo.prediction ? (names.get(photo.prediction.classId) ?? String(photo.prediction.classId)) : null,
      confidence: photo.prediction?.confidence ?? null,
      split: photo.prediction?.split ?? null,
      probabilities: probs ? toClassProbabilities(runClasses, probs) : null,
    };
  });
  return { runId, classes, rows };
}

/** Checks and reads at once (so bad input is refused before a job starts); the returned job writes the file. */
export function writePhotoTable(library: Library, request: CurateTableRequest): (ctx: JobContext) => Promise<CurateReport> {
  if (!path.isAbsolute(request.outFile)) throw new StudioError('INVALID_INPUT', `Expected an absolute file path, received ${JSON.stringify(request.outFile)}`);
  const out = realOutPath(request.outFile);
  // `wx` below refuses too; this says so before any work, and in a dry run
  if (fs.existsSync(out)) throw new StudioError('CONFLICT', `${out}: already exists; choose a new file name`);
  const { runId, classes, rows } = photoTableRows(library, request);
  return async (ctx) => {
    if (!request.dryRun) {
      const text =
        request.format === 'json'
          ? `${JSON.stringify({ runId, classes, photos: rows }, null, 2)}\n`
          : csvText(
              ['id', 'path', 'sha256', 'label', 'predicted', 'confidence', 'split', ...classes.map((c) => `p_${c}`)],
              rows.map((r) => [r.id, r.path, r.sha256, r.label, r.predicted, r.confidence, r.split, ...classes.map((_, i) => r.probabilities?.[i]?.p ?? null)]),
            );
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, text, { flag: 'wx' });
      ctx.report({ stage: 'table', done: rows.length, total: rows.length });
    }
    return {
      action: 'table',
      dryRun: request.dryRun,
      out,
      runId,
      counts: { rows: rows.length },
      planned: [],
      written: request.dryRun ? 0 : rows.length,
      skipped: [],
      manifest: null,
      cancelled: false,
    };
  };
}
