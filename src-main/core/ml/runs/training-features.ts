// Connects training to the feature cache: which views a config asks for, and getFeatures for trainRun.
import type { JobContext } from '../../jobs/job-context.js';
import type { Library } from '../../library/library.js';
import { makeViewSet, MIRROR_VIEW, ORIGINAL_VIEW } from '../features/augment-views.js';
import type { BackboneConfig } from '../backbone/backbone.js';
import type { BackendName } from '../backbone/backend.js';
import type { Embedder } from '../features/embed.js';
import { fineTuneInWorker, fineTuneTrainingBackend } from '../training/fine-tune-client.js';
import { serializeWeights } from '../training/fine-tune.js';
import { imageSourceFor } from '../features/preprocess.js';
import { ensureFeatures, featureKeyOf, type FeatureMatrix } from '../features/feature-cache.js';
import { neighbourCache } from '../neighbours/neighbour-cache-file.js';
import type { FeatureSet } from '../training/head.js';
import type { FeatureViews, TrainRunDeps } from './train-run.js';
import { usesAugmentation, type TrainingConfig } from '../training/training-config.js';

/**
 * Fixed, not the run's seed: the same augmentation settings must name the same views in every run, so their
 * cached features are reused when retraining with another seed.
 */
export const AUGMENTATION_VIEW_SEED = 0;

/** 'original' first, then `augmentation.views` augmented views when any augmentation is on. */
export function augmentationViews(config: TrainingConfig): string[] {
  if (!usesAugmentation(config)) return [ORIGINAL_VIEW];
  const a = config.augmentation;
  return makeViewSet({
    count: a.views,
    seed: AUGMENTATION_VIEW_SEED,
    ...(a.flip.enabled ? { flip: true } : {}),
    ...(a.rotation.enabled ? { rotationDeg: a.rotation.strength } : {}),
    ...(a.zoom.enabled ? { zoom: a.zoom.strength } : {}),
    ...(a.translate.enabled ? { shift: a.translate.strength } : {}),
    ...(a.brightness.enabled ? { brightness: a.brightness.strength } : {}),
    ...(a.contrast.enabled ? { contrast: a.contrast.strength } : {}),
  });
}

/** The cache's photo-major rows (photo · views + view) regrouped view-major, as the head trainer samples them. */
export function matrixToFeatureSet(matrix: FeatureMatrix, photoCount: number): FeatureSet {
  const viewCount = matrix.views.length;
  const { dims } = matrix;
  // one view: the rows are already in order (a 20,000-photo view is 100 MB not copied)
  if (viewCount === 1) return { dim: dims, count: photoCount, views: [matrix.data.subarray(0, photoCount * dims)] };
  const views = matrix.views.map((_, v) => {
    const rows = new Float32Array(photoCount * dims);
    for (let p = 0; p < photoCount; p++) rows.set(matrix.data.subarray((p * viewCount + v) * dims, (p * viewCount + v + 1) * dims), p * dims);
    return rows;
  });
  return { dim: dims, count: photoCount, views };
}

/** The kept neighbour lists are of the plain view's features: one file per backbone, preprocessing and size. */
export function neighbourCacheKey(embedder: Pick<Embedder, 'backboneId' | 'inputSize' | 'spec'>): string {
  const key = featureKeyOf(embedder);
  return `${key.backboneId}|${key.inputSize}|${ORIGINAL_VIEW}`;
}

/**
 * trainRun's dependencies backed by the feature cache and an embedder (local or the worker pool). With `backbone`
 * (the weights the embedder uses), runs can also fine-tune, in a worker thread.
 */
export function cachedFeatureDeps(
  library: Pick<Library, 'db' | 'paths'>,
  embedder: Embedder,
  config: TrainingConfig,
  backendName: BackendName,
  backbone?: BackboneConfig,
): TrainRunDeps {
  const augmented = augmentationViews(config);
  const trainingBackend = fineTuneTrainingBackend(backendName);
  return {
    backendName,
    fineTuneBackendName: trainingBackend,
    ...(backbone
      ? {
          fineTune: (job, ctx, onEpoch) =>
            fineTuneInWorker(
              {
                backbone,
                lastN: config.fineTuneLayers,
                head: { spec: job.headSpec, weights: serializeWeights(job.head) },
                sources: job.photos.map((p) => imageSourceFor(library.paths, p, embedder.spec)),
                labels: job.labels,
                trainRows: job.trainRows,
                valRows: job.valRows,
                options: job.options,
                classifierDir: job.classifierDir,
                folds: (job.folds ?? []).map((f) => ({
                  head: { spec: f.headSpec, weights: serializeWeights(f.head) },
                  trainRows: f.trainRows,
                  valRows: f.valRows,
                  options: f.options,
                })),
              },
              { prefix: backendName, training: trainingBackend },
              ctx,
              onEpoch,
            ),
        }
      : {}),
    backboneId: embedder.backboneId,
    preprocessing: embedder.spec,
    neighbourCache: neighbourCache(library.paths.root, neighbourCacheKey(embedder)),
    async getFeatures(photos, views: FeatureViews, ctx: JobContext) {
      const wanted = views === 'plain' ? [ORIGINAL_VIEW] : views === 'mirror' ? [MIRROR_VIEW] : augmented;
      const matrix = await ensureFeatures(library, { photos, embedder, views: wanted }, ctx);
      return matrixToFeatureSet(matrix, photos.length);
    },
  };
}
