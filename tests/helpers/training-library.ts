// A temp library with synthetic labeled photos and per-photo synthetic features, for training-run tests.
import * as tf from '@tensorflow/tfjs';
import { createClass } from '../../src-main/core/library/classes.js';
import { setLabels } from '../../src-main/core/library/labels.js';
import { openLibrary, type Library } from '../../src-main/core/library/library.js';
import type { FeatureSet } from '../../src-main/core/ml/training/head.js';
import type { TrainRunDeps } from '../../src-main/core/ml/runs/train-run.js';
import { insertSyntheticPhotos } from './insert-photos.js';
import { syntheticFeatures } from './synthetic-features.js';
import { makeTempDir } from './temp-dir.js';

export const FEATURE_DIM = 64;

export interface TrainingLibrary {
  library: Library;
  classIds: number[];
  /** photo ids per true class */
  photosByClass: number[][];
  unlabeled: number[];
  deps: TrainRunDeps;
  /** how many getFeatures calls were made */
  featureCalls: () => number;
}

/**
 * `perClass` photos per class labeled with their true class (except `flip`: photo ids given the next class),
 * plus `unlabeled` photos of class 0. Features come from one Gaussian cluster per true class.
 */
export async function makeTrainingLibrary(options: {
  classes: string[];
  perClass: number;
  unlabeled?: number;
  separation?: number;
  views?: number;
  flip?: (photosByClass: number[][]) => number[];
}): Promise<TrainingLibrary> {
  await tf.setBackend('cpu');
  const library = openLibrary(makeTempDir('studio-train-'));
  const { db } = library;
  const classIds = options.classes.map((name) => createClass(db, name).id);
  const photosByClass = classIds.map((_, c) => insertSyntheticPhotos(db, options.perClass, { folder: `/c${c}`, startAt: c * 10_000 }));
  const unlabeled = insertSyntheticPhotos(db, options.unlabeled ?? 0, { folder: '/unlabeled', startAt: 900_000 });
  const flipped = new Set(options.flip?.(photosByClass) ?? []);
  photosByClass.forEach((ids, c) => {
    const keep = ids.filter((id) => !flipped.has(id));
    const moved = ids.filter((id) => flipped.has(id));
    setLabels(db, { photoIds: keep, classId: classIds[c]!, source: 'cli' });
    if (moved.length) setLabels(db, { photoIds: moved, classId: classIds[(c + 1) % classIds.length]!, source: 'cli' });
  });
  const trueClass = new Map<number, number>();
  photosByClass.forEach((ids, c) => ids.forEach((id) => trueClass.set(id, c)));
  unlabeled.forEach((id) => trueClass.set(id, 0));
  const ids = [...trueClass.keys()];
  const features = syntheticFeatures({
    labels: ids.map((id) => trueClass.get(id)!),
    dim: FEATURE_DIM,
    numClasses: classIds.length,
    separation: options.separation ?? 3,
    views: options.views ?? 2,
    seed: 4,
  });
  const rowOf = new Map(ids.map((id, i) => [id, i]));
  let calls = 0;
  const deps: TrainRunDeps = {
    backendName: 'cpu',
    backboneId: 'synthetic',
    preprocessing: { synthetic: true },
    async getFeatures(photos, views, ctx) {
      calls++;
      // 'mirror' stands for the flipped photo: the second synthetic view
      const chosen = views === 'plain' ? features.views.slice(0, 1) : views === 'mirror' ? features.views.slice(1, 2) : features.views;
      const set: FeatureSet = {
        dim: FEATURE_DIM,
        count: photos.length,
        views: chosen.map((view) => {
          const out = new Float32Array(photos.length * FEATURE_DIM);
          photos.forEach((p, i) => {
            const row = rowOf.get(p.id)!;
            out.set(view.subarray(row * FEATURE_DIM, (row + 1) * FEATURE_DIM), i * FEATURE_DIM);
          });
          return out;
        }),
      };
      ctx.report({ stage: 'features', done: photos.length, total: photos.length });
      return set;
    },
  };
  return { library, classIds, photosByClass, unlabeled, deps, featureCalls: () => calls };
}
