// Predictions for image files outside the library (`studio predict <dir>`, `studio eval <dir>`): the run's head on
// the run's backbone, through the same preprocessing chain as training. Unreadable files are reported, not fatal.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { StudioError, toStudioError } from '../../../api/errors.js';
import type { JobContext } from '../../jobs/job-context.js';
import { throwIfCancelled } from '../../jobs/job-context.js';
import type { Library } from '../../library/library.js';
import type { Embedder, EmbedItem } from '../features/embed.js';
import { MIRROR_VIEW, ORIGINAL_VIEW } from '../features/augment-views.js';
import { predictRecipe } from '../training/head-recipe.js';
import { predictClasses } from '../training/metrics.js';
import { fileModelHandler } from '../backbone/file-io-handler.js';
import { preprocessPhoto, toBatchTensor, type PreprocessingSpec } from '../features/preprocess.js';
import { loadRunHead, readStudioModelJson } from './run-model.js';
import { getRunConfig, getRunModelDir, type RunConfig } from './runs.js';

const PREDICT_CHUNK = 32;

export interface FilePrediction {
  path: string;
  /** index into the run's classes */
  classIndex: number;
  probabilities: number[];
}

export interface FilePredictions {
  runId: number;
  classes: RunConfig['classes'];
  predictions: FilePrediction[];
  skipped: { path: string; reason: string }[];
}

/** Features per file: `views.length` rows of `dims` each (view-major within the file). */
async function embedIsolatingFailures(
  embedder: Embedder,
  paths: readonly string[],
  views: readonly string[],
  signal: AbortSignal,
  skipped: FilePredictions['skipped'],
): Promise<{ paths: string[]; features: Float32Array[] }> {
  const items = (list: readonly string[]): EmbedItem[] => list.flatMap((p) => views.map((view) => ({ source: { kind: 'original' as const, path: p }, view })));
  const perFile = views.length * embedder.dims;
  try {
    const matrix = await embedder.embed(items(paths), { signal });
    return { paths: [...paths], features: paths.map((_, i) => matrix.subarray(i * perFile, (i + 1) * perFile)) };
  } catch (error) {
    throwIfCancelled(signal);
    if (paths.length === 1) {
      skipped.push({ path: paths[0] as string, reason: toStudioError(error).message });
      return { paths: [], features: [] };
    }
    // one bad file fails its whole batch: retry one by one to name it and keep the others
    const ok: { paths: string[]; features: Float32Array[] } = { paths: [], features: [] };
    for (const p of paths) {
      const one = await embedIsolatingFailures(embedder, [p], views, signal, skipped);
      ok.paths.push(...one.paths);
      ok.features.push(...one.features);
    }
    return ok;
  }
}

export async function predictFiles(
  library: Pick<Library, 'db'>,
  runId: number,
  files: readonly string[],
  embedder: Embedder,
  ctx: JobContext,
): Promise<FilePredictions> {
  const config = getRunConfig(library.db, runId);
  const modelDir = getRunModelDir(library.db, runId);
  if (!modelDir) throw new StudioError('CONFLICT', `Run ${runId} has no saved model: only finished runs can predict`);
  if (embedder.backboneId !== config.backboneId || embedder.inputSize !== config.inputSize) {
    throw new StudioError('CONFLICT', `Run ${runId} expects backbone ${config.backboneId} at ${config.inputSize} px; received ${embedder.backboneId} at ${embedder.inputSize} px`);
  }
  const result: FilePredictions = { runId, classes: config.classes, predictions: [], skipped: [] };
  const meta = await readStudioModelJson(modelDir);
  if (meta.fineTunedClassifier) {
    // a fine-tuned run changed the backbone too: its saved classifier (image in, probabilities out) is the model
    const classifier = await tf.loadLayersModel(fileModelHandler(path.join(modelDir, meta.fineTunedClassifier)));
    try {
      await predictWithClassifier(result, classifier, files, embedder.spec, config, ctx);
    } finally {
      classifier.dispose();
    }
    return result;
  }
  const { head } = await loadRunHead(modelDir);
  // a run trained with mirror TTA predicts with the mean over the photo and its mirror image, as in training
  const views = meta.mirrorTta ? [ORIGINAL_VIEW, MIRROR_VIEW] : [ORIGINAL_VIEW];
  try {
    ctx.report({ stage: 'predict', done: 0, total: files.length });
    for (let start = 0; start < files.length; start += PREDICT_CHUNK) {
      throwIfCancelled(ctx.signal);
      const chunk = files.slice(start, start + PREDICT_CHUNK);
      const embedded = await embedIsolatingFailures(embedder, chunk, views, ctx.signal, result.skipped);
      if (embedded.paths.length > 0) appendPredictions(result, head as tf.LayersModel, embedded, views.length, embedder.dims, config);
      ctx.report({ stage: 'predict', done: start + chunk.length, total: files.length });
    }
  } finally {
    head.dispose();
  }
  return result;
}

async function predictWithClassifier(
  result: FilePredictions,
  classifier: tf.LayersModel,
  files: readonly string[],
  spec: PreprocessingSpec,
  config: RunConfig,
  ctx: JobContext,
): Promise<void> {
  const numClasses = config.classes.length;
  ctx.report({ stage: 'predict', done: 0, total: files.length });
  for (let start = 0; start < files.length; start += PREDICT_CHUNK) {
    throwIfCancelled(ctx.signal);
    const inputs: Float32Array[] = [];
    const paths: string[] = [];
    for (const file of files.slice(start, start + PREDICT_CHUNK)) {
      try {
        inputs.push(await preprocessPhoto({ kind: 'original', path: file }, spec));
        paths.push(file);
      } catch (error) {
        result.skipped.push({ path: file, reason: toStudioError(error).message });
      }
    }
    if (paths.length > 0) {
      const probabilities = tf.tidy(() => (classifier.predict(toBatchTensor(tf, inputs, spec)) as tf.Tensor).dataSync() as Float32Array);
      const predicted = predictClasses(probabilities, numClasses, numClasses === 2 ? config.threshold : undefined);
      paths.forEach((p, i) => result.predictions.push({ path: p, classIndex: predicted[i] as number, probabilities: Array.from(probabilities.subarray(i * numClasses, (i + 1) * numClasses)) }));
    }
    ctx.report({ stage: 'predict', done: Math.min(files.length, start + PREDICT_CHUNK), total: files.length });
  }
}

function appendPredictions(
  result: FilePredictions,
  head: tf.LayersModel,
  embedded: { paths: string[]; features: Float32Array[] },
  viewCount: number,
  dims: number,
  config: RunConfig,
): void {
  const count = embedded.paths.length;
  const view = (v: number) => {
    const rows = new Float32Array(count * dims);
    embedded.features.forEach((f, i) => rows.set(f.subarray(v * dims, (v + 1) * dims), i * dims));
    return rows;
  };
  const numClasses = config.classes.length;
  const features = { dim: dims, count, views: [view(0)] };
  const probabilities = predictRecipe(head, features, viewCount > 1 ? view(1) : null, { flipTta: viewCount > 1 });
  const predicted = predictClasses(probabilities, numClasses, numClasses === 2 ? config.threshold : undefined);
  embedded.paths.forEach((p, i) => {
    result.predictions.push({
      path: p,
      classIndex: predicted[i] as number,
      probabilities: Array.from(probabilities.subarray(i * numClasses, (i + 1) * numClasses)),
    });
  });
}
