// K-fold cross-validation of the head: K heads, an out-of-fold probability row for every labeled photo,
// and accuracy mean ± std across folds.
import type { JobContext } from '../jobs/job-context.js';
import { buildHead, predictHead, trainHead, type FeatureSet, type HeadSpec, type HeadTrainingOptions, type LabeledFeatures } from './head.js';
import { accuracy, meanStd, predictClasses } from './metrics.js';
import { deriveSeed } from './seeded-random.js';

export interface CrossValidationResult {
  k: number;
  /** n × numClasses, row i from the head that did not see photo i */
  outOfFold: Float32Array;
  accuracies: number[];
  mean: number;
  std: number;
}

export function selectRows(features: FeatureSet, rows: readonly number[]): FeatureSet {
  const { dim } = features;
  return {
    dim,
    count: rows.length,
    views: features.views.map((view) => {
      const out = new Float32Array(rows.length * dim);
      rows.forEach((row, i) => out.set(view.subarray(row * dim, (row + 1) * dim), i * dim));
      return out;
    }),
  };
}

export function selectLabeled(data: LabeledFeatures, rows: readonly number[]): LabeledFeatures {
  return { features: selectRows(data.features, rows), labels: Int32Array.from(rows, (r) => data.labels[r] as number) };
}

/** Reports a sub-task's progress as a slice of a larger total (fold heads, then the final head). */
export function progressSlice(ctx: JobContext, offset: number, total: number): JobContext {
  return {
    signal: ctx.signal,
    report: (u) => ctx.report({ ...u, done: offset + u.done, total }),
  };
}

export async function crossValidate(args: {
  data: LabeledFeatures;
  /** fold index per row of `data` */
  folds: Int32Array;
  k: number;
  head: Omit<HeadSpec, 'seed'>;
  options: HeadTrainingOptions;
  ctx: JobContext;
  /** epochs already done / planned in the whole job, for progress */
  progress?: { offset: number; total: number };
}): Promise<CrossValidationResult> {
  const { data, folds, k, options } = args;
  const numClasses = args.head.numClasses;
  const outOfFold = new Float32Array(data.features.count * numClasses);
  const accuracies: number[] = [];
  const progress = args.progress ?? { offset: 0, total: k * options.epochs };
  for (let fold = 0; fold < k; fold++) {
    const trainRows: number[] = [];
    const heldOut: number[] = [];
    folds.forEach((f, row) => (f === fold ? heldOut : trainRows).push(row));
    const seed = deriveSeed(options.seed, 30, fold);
    const model = buildHead({ ...args.head, seed });
    try {
      await trainHead({
        model,
        train: selectLabeled(data, trainRows),
        options: { ...options, seed },
        ctx: progressSlice(args.ctx, progress.offset + fold * options.epochs, progress.total),
      });
      const held = selectLabeled(data, heldOut);
      const probabilities = predictHead(model, held.features);
      heldOut.forEach((row, i) => outOfFold.set(probabilities.subarray(i * numClasses, (i + 1) * numClasses), row * numClasses));
      accuracies.push(accuracy(held.labels, predictClasses(probabilities, numClasses)));
    } finally {
      model.dispose();
    }
  }
  return { k, outOfFold, accuracies, ...meanStd(accuracies) };
}
