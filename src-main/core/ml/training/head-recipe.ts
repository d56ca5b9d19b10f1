// How a head is fitted and applied on frozen features beyond plain training: flipped copies of the photos as extra
// training rows, flip test-time augmentation (probabilities averaged over the photo and its mirror image), and the
// L2 strength chosen by an inner cross-validation. Also the k-fold loop that gives every labeled photo an
// out-of-fold probability row.
import * as tf from '@tensorflow/tfjs';
import type { JobContext } from '../../jobs/job-context.js';
import { buildHead, predictHead, trainHead, type EpochMetrics, type FeatureSet, type HeadSpec, type HeadTrainingOptions, type LabeledFeatures } from './head.js';
import { accuracy, logLoss, meanStd, predictClasses } from './metrics.js';
import { createRandom, deriveSeed, shuffleInPlace } from '../features/seeded-random.js';

export interface HeadRecipe {
  options: HeadTrainingOptions;
  /** train on each photo's mirror image as an extra row (needs the flipped features) */
  flipRows: boolean;
  /** predict with the mean of the photo's and its mirror image's probabilities (needs the flipped features) */
  flipTta: boolean;
  /** candidate L2 strengths, one chosen per fit by inner CV on that fit's training rows; null = options.l2 */
  l2Grid: readonly number[] | null;
}

/** Labeled rows with their mirror-image features (row-aligned with view 0), when the recipe uses them. */
export interface RecipeData extends LabeledFeatures {
  flipped: Float32Array | null;
}

export const INNER_FOLDS = 3;

const quietContext = (signal: AbortSignal): JobContext => ({ signal, report: () => undefined });

function pickRows(values: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => out.set(values.subarray(row * dim, (row + 1) * dim), i * dim));
  return out;
}

export function selectRecipeRows(data: RecipeData, rows: readonly number[]): RecipeData {
  const { dim } = data.features;
  return {
    features: { dim, count: rows.length, views: data.features.views.map((v) => pickRows(v, dim, rows)) },
    labels: Int32Array.from(rows, (r) => data.labels[r] as number),
    flipped: data.flipped ? pickRows(data.flipped, dim, rows) : null,
  };
}

/** The rows a head trains on: the photos, then (flipRows) their mirror images with the same labels. */
function trainingSet(data: RecipeData, flipRows: boolean): LabeledFeatures {
  if (!flipRows || !data.flipped) return data;
  const { dim, count } = data.features;
  const joined = (view: Float32Array) => {
    const out = new Float32Array(2 * count * dim);
    out.set(view.subarray(0, count * dim));
    out.set(data.flipped!.subarray(0, count * dim), count * dim);
    return out;
  };
  const labels = new Int32Array(2 * count);
  labels.set(data.labels);
  labels.set(data.labels, count);
  return { features: { dim, count: 2 * count, views: data.features.views.map(joined) }, labels };
}

/** n × numClasses probabilities, averaged with the mirror image's when the recipe says so. */
export function predictRecipe(model: tf.LayersModel, features: FeatureSet, flipped: Float32Array | null, recipe: Pick<HeadRecipe, 'flipTta'>): Float32Array {
  const plain = predictHead(model, { dim: features.dim, count: features.count, views: [features.views[0]!] });
  if (!recipe.flipTta || !flipped) return plain;
  const mirrored = predictHead(model, { dim: features.dim, count: features.count, views: [flipped] });
  for (let i = 0; i < plain.length; i++) plain[i] = ((plain[i] as number) + (mirrored[i] as number)) / 2;
  return plain;
}

/** Stratified inner folds: each class's rows shuffled (seeded) and dealt round-robin. */
function innerFolds(labels: Int32Array, k: number, seed: number): Int32Array {
  const random = createRandom(seed);
  const folds = new Int32Array(labels.length);
  const byClass = new Map<number, number[]>();
  labels.forEach((label, row) => byClass.set(label, [...(byClass.get(label) ?? []), row]));
  let next = 0;
  for (const rows of byClass.values()) {
    for (const row of shuffleInPlace(rows, random)) folds[row] = next++ % k;
  }
  return folds;
}

/** The grid's L2 strength with the lowest inner-CV log loss on `data` (ties → the stronger penalty). */
export async function chooseL2(data: RecipeData, head: Omit<HeadSpec, 'seed'>, recipe: HeadRecipe, signal: AbortSignal): Promise<number> {
  const grid = recipe.l2Grid ?? [recipe.options.l2 ?? 0];
  if (grid.length === 1) return grid[0] as number;
  const folds = innerFolds(data.labels, INNER_FOLDS, deriveSeed(recipe.options.seed, 50));
  let best = { l2: grid[0] as number, loss: Infinity };
  for (const l2 of grid) {
    const inner: HeadRecipe = { ...recipe, l2Grid: null, options: { ...recipe.options, l2 } };
    const cv = await crossValidateHead({ data, folds, k: INNER_FOLDS, head, recipe: inner, ctx: quietContext(signal) });
    const loss = logLoss(data.labels, cv.outOfFold, head.numClasses);
    if (loss < best.loss || (loss === best.loss && l2 > best.l2)) best = { l2, loss };
  }
  return best.l2;
}

/** What fitting the final head takes: its rows (and validation rows, when split), the head and the recipe. */
export interface FitHeadArgs {
  data: RecipeData;
  head: Omit<HeadSpec, 'seed'>;
  recipe: HeadRecipe;
  ctx: JobContext;
  validation?: RecipeData | null;
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
}

/** Builds and trains one head by the recipe (choosing L2 first when the recipe has a grid). The caller disposes it. */
export async function fitHead(args: FitHeadArgs): Promise<{ model: tf.LayersModel; l2: number }> {
  const { data, head, recipe, ctx } = args;
  const l2 = recipe.l2Grid ? await chooseL2(data, head, recipe, ctx.signal) : (recipe.options.l2 ?? 0);
  const model = buildHead({ ...head, seed: recipe.options.seed });
  try {
    await trainHead({
      model,
      train: trainingSet(data, recipe.flipRows),
      validation: args.validation ?? null,
      options: { ...recipe.options, l2 },
      ctx,
      ...(args.onEpoch ? { onEpoch: args.onEpoch } : {}),
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, l2 };
}

export interface HeadCrossValidation {
  k: number;
  /** n × numClasses, row i from the head that did not see photo i */
  outOfFold: Float32Array;
  accuracies: number[];
  mean: number;
  std: number;
  /** accuracy of all out-of-fold predictions together */
  pooledAccuracy: number;
  /** the L2 strength each fold's head used */
  l2s: number[];
}

/** Reports a sub-task's progress as a slice of a larger total (fold heads, then the final head). */
export function progressSlice(ctx: JobContext, offset: number, total: number): JobContext {
  return { signal: ctx.signal, report: (u) => ctx.report({ ...u, done: offset + u.done, total }) };
}

export interface CrossValidationArgs {
  data: RecipeData;
  /** fold index per row */
  folds: Int32Array;
  k: number;
  head: Omit<HeadSpec, 'seed'>;
  recipe: HeadRecipe;
  ctx: JobContext;
  /** epochs already done / planned in the whole job, for progress */
  progress?: { offset: number; total: number };
}

/** K heads, each trained without one fold and predicting it. */
export async function crossValidateHead(args: CrossValidationArgs): Promise<HeadCrossValidation> {
  const { data, folds, k, recipe } = args;
  const numClasses = args.head.numClasses;
  const outOfFold = new Float32Array(data.labels.length * numClasses);
  const accuracies: number[] = [];
  const l2s: number[] = [];
  const epochs = recipe.options.epochs;
  const progress = args.progress ?? { offset: 0, total: k * epochs };
  for (let fold = 0; fold < k; fold++) {
    const trainRows: number[] = [];
    const heldOut: number[] = [];
    folds.forEach((f, row) => (f === fold ? heldOut : trainRows).push(row));
    if (heldOut.length === 0) continue;
    const seed = deriveSeed(recipe.options.seed, 30, fold);
    const { model, l2 } = await fitHead({
      data: selectRecipeRows(data, trainRows),
      head: args.head,
      recipe: { ...recipe, options: { ...recipe.options, seed } },
      ctx: progressSlice(args.ctx, progress.offset + fold * epochs, progress.total),
    });
    try {
      const held = selectRecipeRows(data, heldOut);
      const probabilities = predictRecipe(model, held.features, held.flipped, recipe);
      heldOut.forEach((row, i) => outOfFold.set(probabilities.subarray(i * numClasses, (i + 1) * numClasses), row * numClasses));
      accuracies.push(accuracy(held.labels, predictClasses(probabilities, numClasses)));
      l2s.push(l2);
    } finally {
      model.dispose();
    }
  }
  const pooledAccuracy = accuracy(data.labels, predictClasses(outOfFold, numClasses));
  return { k, outOfFold, accuracies, ...meanStd(accuracies), pooledAccuracy, l2s };
}
