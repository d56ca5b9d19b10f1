// Fine-tuning under k-fold: each fold's head (the same one the frozen cross-validation trains) is fine-tuned with the
// backbone's last layers on that fold's training photos and predicts its held-out photos, so the fine-tuned model gets
// an out-of-fold accuracy measured exactly like the frozen head's.
import type { JobContext } from '../../jobs/job-context.js';
import { throwIfCancelled } from '../../jobs/job-context.js';
import { deriveSeed } from '../features/seeded-random.js';
import { fitHead, progressSlice, selectRecipeRows, type HeadRecipe, type RecipeData } from '../training/head-recipe.js';
import type { HeadSpec, HeadTrainingOptions } from '../training/head.js';
import { accuracy, meanStd, predictClasses } from '../training/metrics.js';
import type { FeaturePhoto } from './dataset-snapshot.js';
import type { FineTuneJob, TrainRunDeps } from './train-run.js';

export interface FineTunedCrossValidation {
  /** labeled photos × numClasses, row i from the fold model that did not see photo i */
  outOfFold: Float32Array;
  accuracies: number[];
  mean: number;
  std: number;
}

export async function crossValidateFineTune(args: {
  /** the labeled photos, row-aligned with `data` */
  photos: readonly FeaturePhoto[];
  data: RecipeData;
  /** fold index per row */
  folds: Int32Array;
  k: number;
  head: Omit<HeadSpec, 'seed'>;
  recipe: HeadRecipe;
  /** epochs and learning rate of the fine-tuning stage */
  fineTuneOptions: HeadTrainingOptions;
  fineTune: NonNullable<TrainRunDeps['fineTune']>;
  ctx: JobContext;
  /** fine-tuning epochs already done / planned in the whole job, for progress */
  progress: { offset: number; total: number };
}): Promise<FineTunedCrossValidation> {
  const { data, folds, k, recipe, ctx } = args;
  const numClasses = args.head.numClasses;
  const outOfFold = new Float32Array(data.labels.length * numClasses);
  const accuracies: number[] = [];
  const epochs = args.fineTuneOptions.epochs;
  const quiet: JobContext = { signal: ctx.signal, report: () => undefined };
  for (let fold = 0; fold < k; fold++) {
    const trainRows: number[] = [];
    const heldOut: number[] = [];
    folds.forEach((f, row) => (f === fold ? heldOut : trainRows).push(row));
    if (heldOut.length === 0) continue;
    // The seed crossValidateHead gives this fold, so the starting head is the frozen fold head.
    const seed = deriveSeed(recipe.options.seed, 30, fold);
    const { model } = await fitHead({ data: selectRecipeRows(data, trainRows), head: args.head, recipe: { ...recipe, options: { ...recipe.options, seed } }, ctx: quiet });
    let probabilities: Float32Array;
    try {
      const job: FineTuneJob = {
        photos: args.photos.map((p) => ({ id: p.id, contentHash: p.contentHash, path: p.path })),
        labels: data.labels,
        trainRows: Int32Array.from(trainRows),
        valRows: Int32Array.from(heldOut),
        head: model,
        headSpec: { ...args.head, seed },
        options: { ...args.fineTuneOptions, seed },
        classifierDir: null,
      };
      const slice = progressSlice(ctx, args.progress.offset + fold * epochs, args.progress.total);
      probabilities = await args.fineTune(job, ctx, (e) => slice.report({ stage: 'fine-tune', done: e.epoch, total: epochs }));
    } finally {
      model.dispose();
    }
    throwIfCancelled(ctx.signal);
    const held = Int32Array.from(heldOut, (row) => data.labels[row] as number);
    const heldProbabilities = new Float32Array(heldOut.length * numClasses);
    heldOut.forEach((row, i) => {
      const values = probabilities.subarray(row * numClasses, (row + 1) * numClasses);
      outOfFold.set(values, row * numClasses);
      heldProbabilities.set(values, i * numClasses);
    });
    accuracies.push(accuracy(held, predictClasses(heldProbabilities, numClasses)));
  }
  return { outOfFold, accuracies, ...meanStd(accuracies) };
}
