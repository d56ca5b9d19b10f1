// Synthetic pooled features for head tests: one Gaussian cluster per class (non-negative like ReLU6 outputs).
import { createRandom } from '../../src-main/core/ml/features/seeded-random.js';
import type { FeatureSet } from '../../src-main/core/ml/training/head.js';

export function syntheticFeatures(options: {
  labels: readonly number[];
  dim: number;
  numClasses: number;
  separation: number;
  views?: number;
  seed?: number;
}): FeatureSet {
  const random = createRandom(options.seed ?? 1);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centers = Array.from({ length: options.numClasses }, () =>
    Float32Array.from({ length: options.dim }, () => random() * options.separation),
  );
  const count = options.labels.length;
  const views = Array.from({ length: options.views ?? 1 }, () => {
    const rows = new Float32Array(count * options.dim);
    options.labels.forEach((label, i) => {
      const center = centers[label] as Float32Array;
      for (let d = 0; d < options.dim; d++) rows[i * options.dim + d] = Math.max(0, (center[d] as number) + gaussian());
    });
    return rows;
  });
  return { dim: options.dim, count, views };
}
