// Predictions for library photos a finished run has none for (photos imported after it): the run's own recipe —
// its head on cached features with mirror TTA, or its fine-tuned classifier — stored under the run's id.
import type { Database } from 'better-sqlite3';
import type * as tf from '@tensorflow/tfjs';
import { StudioError, isCancelled, toStudioError } from '../../../api/errors.js';
import type { JobContext } from '../../jobs/job-context.js';
import { throwIfCancelled } from '../../jobs/job-context.js';
import type { Library } from '../../library/library.js';
import { MIRROR_VIEW, ORIGINAL_VIEW } from '../features/augment-views.js';
import type { Embedder } from '../features/embed.js';
import { ensureFeatures } from '../features/feature-cache.js';
import { predictRecipe } from '../training/head-recipe.js';
import { predictFiles } from './predict-files.js';
import { loadRunHead, readStudioModelJson } from './run-model.js';
import { getRunConfig, getRunModelDir, type PredictionRow, type RunConfig } from './runs.js';
import { matrixToFeatureSet } from './training-features.js';
import { predictionRows } from './train-run.js';

/** Photos per feature/prediction step: progress, cancellation and commits happen between chunks. */
const PHOTO_CHUNK = 32;

export interface UnpredictedPhoto {
  id: number;
  contentHash: string;
  path: string;
  /** the head saw this content in training (a copy of a training photo) */
  seenInTraining: boolean;
  /** the photo's label, null when it has none */
  labelClassId: number | null;
}

export interface PhotoPredictionsResult {
  runId: number;
  predicted: number;
  skipped: { path: string; reason: string }[];
  /** stopped by the job's signal: the predictions stored before it stay */
  cancelled: boolean;
}

/** Usable photos (status ok, not excluded, as a run's snapshot takes them) without a prediction of this run. */
export function photosWithoutPrediction(db: Database, runId: number): UnpredictedPhoto[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.content_hash AS contentHash, p.path,
         EXISTS (SELECT 1 FROM run_photos rp JOIN photos q ON q.id = rp.photo_id
                 WHERE rp.run_id = @runId AND q.content_hash = p.content_hash) AS seen,
         (SELECT l.class_id FROM labels l WHERE l.photo_id = p.id) AS labelClassId
       FROM photos p
       WHERE p.status = 'ok' AND p.excluded = 0
         AND NOT EXISTS (SELECT 1 FROM predictions pr WHERE pr.run_id = @runId AND pr.photo_id = p.id)
       ORDER BY p.id`,
    )
    .all({ runId }) as { id: number; contentHash: string; path: string; seen: number; labelClassId: number | null }[];
  return rows.map((r) => ({ id: r.id, contentHash: r.contentHash, path: r.path, seenInTraining: r.seen === 1, labelClassId: r.labelClassId }));
}

/** Another process may have predicted the same photo meanwhile: the first prediction stays. */
function insertPredictions(db: Database, runId: number, rows: readonly PredictionRow[]): void {
  const insert = db.prepare(
    `INSERT INTO predictions (run_id, photo_id, class_id, confidence, probabilities, source, label_error_score)
     VALUES (@runId, @photoId, @classId, @confidence, @probabilities, @source, NULL) ON CONFLICT DO NOTHING`,
  );
  db.transaction(() => {
    for (const row of rows) insert.run({ runId, photoId: row.photoId, classId: row.classId, confidence: row.confidence, probabilities: JSON.stringify(row.probabilities), source: row.source });
  })();
}

/**
 * in-fold when the head saw the content; out-of-fold for a photo labeled with one of the run's classes (the head
 * never saw it, so it may join the misclassified queue); else unlabeled (no label, or a class the run does not know).
 */
function sourceOf(photo: UnpredictedPhoto, runClassIds: ReadonlySet<number>): PredictionRow['source'] {
  if (photo.seenInTraining) return 'in-fold';
  return photo.labelClassId !== null && runClassIds.has(photo.labelClassId) ? 'out-of-fold' : 'unlabeled';
}

type ChunkPredictor = (photos: readonly UnpredictedPhoto[], ctx: JobContext) => Promise<Float32Array>;

/** Predicts a chunk; when it fails, one photo at a time, so a bad file is named and the others are kept. */
async function predictIsolatingFailures(
  predict: ChunkPredictor,
  photos: readonly UnpredictedPhoto[],
  ctx: JobContext,
  skipped: PhotoPredictionsResult['skipped'],
): Promise<{ photos: UnpredictedPhoto[]; probabilities: Float32Array[] }> {
  try {
    return { photos: [...photos], probabilities: [await predict(photos, ctx)] };
  } catch (error) {
    if (isCancelled(error)) throw error;
    throwIfCancelled(ctx.signal);
    if (photos.length === 1) {
      skipped.push({ path: photos[0]!.path, reason: toStudioError(error).message });
      return { photos: [], probabilities: [] };
    }
    const kept: { photos: UnpredictedPhoto[]; probabilities: Float32Array[] } = { photos: [], probabilities: [] };
    for (const photo of photos) {
      const one = await predictIsolatingFailures(predict, [photo], ctx, skipped);
      kept.photos.push(...one.photos);
      kept.probabilities.push(...one.probabilities);
    }
    return kept;
  }
}

/** The run's head on cached features (embedding only what is missing), averaged with the mirror view when the run did. */
function headPredictor(library: Pick<Library, 'db' | 'paths'>, head: tf.LayersModel, embedder: Embedder, mirrorTta: boolean): ChunkPredictor {
  const views = mirrorTta ? [ORIGINAL_VIEW, MIRROR_VIEW] : [ORIGINAL_VIEW];
  const quiet = (ctx: JobContext): JobContext => ({ signal: ctx.signal, report: () => undefined });
  return async (photos, ctx) => {
    const matrix = await ensureFeatures(library, { photos, embedder, views }, quiet(ctx));
    const set = matrixToFeatureSet(matrix, photos.length);
    return predictRecipe(head, { ...set, views: [set.views[0]!] }, set.views[1] ?? null, { flipTta: mirrorTta });
  };
}

/** A fine-tuned run's classifier (image in, probabilities out) through predictFiles, which names a bad file itself. */
function classifierPredictor(library: Pick<Library, 'db'>, runId: number, embedder: Embedder): ChunkPredictor {
  return async (photos, ctx) => {
    const quiet: JobContext = { signal: ctx.signal, report: () => undefined };
    const result = await predictFiles(library, runId, photos.map((p) => p.path), embedder, quiet);
    const failed = result.skipped[0];
    if (failed) throw new StudioError('INVALID_INPUT', failed.reason);
    return Float32Array.from(result.predictions.flatMap((p) => p.probabilities));
  };
}

/**
 * Predicts `photos` with finished run `runId` and stores the predictions under the run, chunk by chunk (what is
 * stored stays when cancelled, and the result says so). Reports stage 'predict'. The embedder must be the run's (backbone, size, geometry).
 */
export async function predictLibraryPhotos(
  library: Pick<Library, 'db' | 'paths'>,
  runId: number,
  photos: readonly UnpredictedPhoto[],
  embedder: Embedder,
  ctx: JobContext,
): Promise<PhotoPredictionsResult> {
  const config: RunConfig = getRunConfig(library.db, runId);
  const modelDir = getRunModelDir(library.db, runId);
  if (!modelDir) throw new StudioError('CONFLICT', `Run ${runId} has no saved model: only finished runs can predict`);
  if (embedder.backboneId !== config.backboneId || embedder.inputSize !== config.inputSize) {
    throw new StudioError('CONFLICT', `Run ${runId} expects backbone ${config.backboneId} at ${config.inputSize} px; received ${embedder.backboneId} at ${embedder.inputSize} px`);
  }
  const result: PhotoPredictionsResult = { runId, predicted: 0, skipped: [], cancelled: false };
  if (photos.length === 0) return result;
  const meta = await readStudioModelJson(modelDir);
  const loaded = meta.fineTunedClassifier ? null : await loadRunHead(modelDir);
  const predict = loaded ? headPredictor(library, loaded.head as tf.LayersModel, embedder, meta.mirrorTta === true) : classifierPredictor(library, runId, embedder);
  const numClasses = config.classes.length;
  const runClassIds = new Set(config.classes.map((c) => c.id));
  try {
    ctx.report({ stage: 'predict', done: 0, total: photos.length });
    for (let start = 0; start < photos.length; start += PHOTO_CHUNK) {
      const chunk = photos.slice(start, start + PHOTO_CHUNK);
      const done = ctx.signal.aborted ? null : await predictIsolatingFailures(predict, chunk, ctx, result.skipped).catch((error: unknown) => {
        if (isCancelled(error)) return null;
        throw error;
      });
      if (done === null) {
        result.cancelled = true;
        break;
      }
      if (done.photos.length > 0) {
        const probabilities = new Float32Array(done.photos.length * numClasses);
        let offset = 0;
        for (const part of done.probabilities) {
          probabilities.set(part, offset);
          offset += part.length;
        }
        insertPredictions(library.db, runId, predictionRows(done.photos.map((p) => p.id), probabilities, config, (i) => sourceOf(done.photos[i]!, runClassIds)));
        result.predicted += done.photos.length;
      }
      ctx.report({ stage: 'predict', done: start + chunk.length, total: photos.length });
    }
  } finally {
    loaded?.head.dispose();
  }
  return result;
}
