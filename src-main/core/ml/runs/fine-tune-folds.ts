// Fine-tuning under k-fold: each fold's head (the same one the frozen cross-validation trains) is fine-tuned with the
// backbone's last layers on that fold's training photos and predicts its held-out photos, so the fine-tuned model gets
// an out-of-fold accuracy measured exactly like the frozen head's. The folds ride along with the final model's
// fine-tuning job, sharing its one frozen-prefix pass over the photos.
import type { JobContext } from '../../jobs/job-context.js';
import { deriveSeed } from '../features/seeded-random.js';
import { fitHead, selectRecipeRows, type HeadRecipe, type RecipeData } from '../training/head-recipe.js';
import type { HeadSpec, HeadTrainingOptions } from '../training/head.js';
import { accuracy, meanStd, predictClasses } from '../training/metrics.js';
import type { FineTuneFold } from './train-run.js';

export interface FineTunedCrossValidation {
  /** labeled photos × numClasses, row i from the fold model that did not see photo i */
  outOfFold: Float32Array;
  accuracies: number[];
  mean: number;
  std: number;
}

/** Rows of each fold: trained on the others, held out. */
function foldRows(folds: Int32Array, k: number): Array<{ trainRows: number[]; heldOut: number[] }> {
  return Array.from({ length: k }, (_, fold) => {
    const trainRows: number[] = [];
    const heldOut: number[] = [];
    folds.forEach((f, row) => (f === fold ? heldOut : trainRows).push(row));
    return { trainRows, heldOut };
  }).filter((f) => f.heldOut.length > 0);
}

/** The fold heads to fine-tune (the caller disposes `head`s): each fitted with the seed crossValidateHead gives its fold. */
export async function foldFineTuneJobs(args: {
  data: RecipeData;
  /** fold index per row */
  folds: Int32Array;
  k: number;
  head: Omit<HeadSpec, 'seed'>;
  recipe: HeadRecipe;
  fineTuneOptions: HeadTrainingOptions;
  ctx: JobContext;
}): Promise<FineTuneFold[]> {
  const { data, recipe } = args;
  const quiet: JobContext = { signal: args.ctx.signal, report: () => undefined };
  const jobs: FineTuneFold[] = [];
  try {
    for (const [fold, { trainRows, heldOut }] of foldRows(args.folds, args.k).entries()) {
      const seed = deriveSeed(recipe.options.seed, 30, fold);
      const { model } = await fitHead({ data: selectRecipeRows(data, trainRows), head: args.head, recipe: { ...recipe, options: { ...recipe.options, seed } }, ctx: quiet });
      jobs.push({
        trainRows: Int32Array.from(trainRows),
        valRows: Int32Array.from(heldOut),
        head: model,
        headSpec: { ...args.head, seed },
        options: { ...args.fineTuneOptions, seed },
      });
    }
  } catch (error) {
    for (const job of jobs) job.head.dispose();
    throw error;
  }
  return jobs;
}

/** Each fold model's probabilities on its held-out rows, joined into one out-of-fold matrix. */
export function fineTunedOutOfFold(jobs: readonly FineTuneFold[], foldProbabilities: readonly Float32Array[], labels: Int32Array, numClasses: number): FineTunedCrossValidation {
  const outOfFold = new Float32Array(labels.length * numClasses);
  const accuracies = jobs.map((job, j) => {
    const probabilities = foldProbabilities[j]!;
    const held = new Float32Array(job.valRows.length * numClasses);
    job.valRows.forEach((row, i) => {
      const values = probabilities.subarray(row * numClasses, (row + 1) * numClasses);
      outOfFold.set(values, row * numClasses);
      held.set(values, i * numClasses);
    });
    return accuracy(Int32Array.from(job.valRows, (row) => labels[row] as number), predictClasses(held, numClasses));
  });
  return { outOfFold, accuracies, ...meanStd(accuracies) };
}
