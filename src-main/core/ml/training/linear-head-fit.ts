// The head recipe (mirror rows, flip TTA, k-fold out-of-fold rows) for a linear head, fitted by the full-batch
// solver instead of mini-batch Adam: every row of every view lives in one tensor, a fold is a set of row weights,
// and each head starts from the previous one's solution (the problem is strictly convex, so the start changes the
// time, not the answer). Dropout has no place in a full-batch fit; its quadratic approximation does: an L2
// penalty per feature (see dropoutPenalty). Hidden-layer heads keep head-recipe.ts's Adam path.
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { JobContext } from '../../jobs/job-context.js';
import { buildHead, type EpochMetrics, type HeadSpec } from './head.js';
import type { CrossValidationArgs, HeadCrossValidation, HeadRecipe, RecipeData } from './head-recipe.js';
import { linearLogits, logitsToProbabilities, solveLinear, unitsFor, type LinearWeights } from './full-batch-linear.js';
import { accuracy, logLoss, meanStd, predictClasses } from './metrics.js';
import { balancedClassWeights, yieldToEventLoop } from './training-loop.js';

/** A head without hidden layers is a linear model on the features: the full-batch solver fits it. */
export const isLinearHead = (head: Pick<HeadSpec, 'hiddenUnits'>): boolean => head.hiddenUnits.length === 0;

/**
 * Input dropout at rate δ adds, to second order, ½ · δ/(1−δ) · Σ_i A''(z_i) Σ_j x_ij² w_j² to the expected loss
 * (Wager, Wang & Liang 2013, "Dropout training as adaptive regularization"); taken where training starts (every
 * class equally likely: A'' = ¼ for a sigmoid unit, 1/C per softmax unit) it is an L2 penalty per feature,
 * proportional to the feature's mean square. This is what stands in for the reference recipe's Dropout(δ).
 */
export function dropoutPenaltyFactor(dropout: number, numClasses: number): number {
  if (dropout <= 0) return 0;
  const curvature = unitsFor(numClasses) === 1 ? 1 / 4 : 1 / numClasses;
  return 0.5 * (dropout / (1 - dropout)) * curvature;
}

/** Rows of the fit: every view of every photo (view-major), then the mirror images when the recipe uses them. */
interface StackedRows {
  x: tf.Tensor2D;
  /** photo index of each row */
  photo: Int32Array;
  /** each row's share of its photo in the loss (1/views for the views; 1 for a mirror row when flipRows; 0 otherwise) */
  share: Float64Array;
  /** first mirror row (rows flippedStart + i = mirror of photo i), or -1 */
  flippedStart: number;
  /** Σ share · x² per feature, per fold (row f) and over all rows (last row) */
  squares: Float64Array[];
}

function stackRows(data: RecipeData, recipe: HeadRecipe, folds: Int32Array | null, k: number): StackedRows {
  const { dim, count, views } = data.features;
  const withMirror = Boolean(data.flipped) && (recipe.flipRows || recipe.flipTta);
  const blocks = [...views, ...(withMirror ? [data.flipped!] : [])];
  const rows = blocks.length * count;
  const photo = new Int32Array(rows);
  const share = new Float64Array(rows);
  blocks.forEach((_, b) => {
    const mirror = withMirror && b === blocks.length - 1;
    for (let i = 0; i < count; i++) {
      photo[b * count + i] = i;
      share[b * count + i] = mirror ? (recipe.flipRows ? 1 : 0) : 1 / views.length;
    }
  });
  const x = tf.tidy(() => (blocks.length === 1 ? tf.tensor2d(blocks[0]!.subarray(0, count * dim), [count, dim]) : tf.concat(blocks.map((b) => tf.tensor2d(b.subarray(0, count * dim), [count, dim])))));
  // one product gives each fold's (and the whole set's) Σ share · x² per feature, for the dropout penalty
  const groups = k + 1;
  const indicator = new Float32Array(groups * rows);
  for (let r = 0; r < rows; r++) {
    const p = photo[r] as number;
    const s = share[r] as number;
    if (folds) indicator[(folds[p] as number) * rows + r] = s;
    indicator[k * rows + r] = s;
  }
  const sums = tf.tidy(() => tf.matMul(tf.tensor2d(indicator, [groups, rows]), tf.square(x)).dataSync() as Float32Array);
  const squares = Array.from({ length: groups }, (_, g) => Float64Array.from(sums.subarray(g * dim, (g + 1) * dim)));
  return { x, photo, share, flippedStart: withMirror ? (blocks.length - 1) * count : -1, squares };
}

/** Row weights (class weight · share / training rows) and the penalty for the photos where `inTraining` is true. */
function problemFor(stack: StackedRows, data: RecipeData, recipe: HeadRecipe, numClasses: number, inTraining: (photo: number) => boolean, squares: Float64Array) {
  const trainLabels = Int32Array.from(data.labels.filter((_, i) => inTraining(i)));
  const classWeights = recipe.options.classWeight === 'balanced' ? balancedClassWeights(trainLabels, numClasses) : new Float32Array(numClasses).fill(1);
  const rowsPerPhoto = recipe.flipRows && stack.flippedStart >= 0 ? 2 : 1;
  const trainingRows = trainLabels.length * rowsPerPhoto;
  const labels = Int32Array.from(stack.photo, (p) => data.labels[p] as number);
  const rowWeights = Float64Array.from(stack.photo, (p, r) => (inTraining(p) ? ((classWeights[data.labels[p] as number] as number) * (stack.share[r] as number)) / trainingRows : 0));
  const factor = dropoutPenaltyFactor(recipe.options.dropout, numClasses);
  const l2 = recipe.options.l2 ?? 0;
  const penalty = Float64Array.from(squares, (sum) => l2 + (factor * sum) / trainingRows);
  return { x: stack.x, labels, numClasses, rowWeights, penalty, featureSquares: Float64Array.from(squares, (sum) => sum / trainingRows) };
}

/** Probabilities of photos from the stacked logits: view 0, averaged with the mirror row under flip TTA. */
function photoProbabilities(stack: StackedRows, logits: Float32Array, photos: readonly number[], numClasses: number, recipe: HeadRecipe): Float32Array {
  const units = unitsFor(numClasses);
  const pick = (start: number) => {
    const out = new Float32Array(photos.length * units);
    photos.forEach((p, i) => out.set(logits.subarray((start + p) * units, (start + p + 1) * units), i * units));
    return logitsToProbabilities(out, numClasses);
  };
  const plain = pick(0);
  if (!recipe.flipTta || stack.flippedStart < 0) return plain;
  const mirrored = pick(stack.flippedStart);
  for (let i = 0; i < plain.length; i++) plain[i] = ((plain[i] as number) + (mirrored[i] as number)) / 2;
  return plain;
}

/** Progress of one head in the job's epoch units: moves with the iterations, complete when the head is. */
function headProgress(ctx: JobContext, offset: number, total: number, epochs: number) {
  return {
    iteration: (i: number) => ctx.report({ stage: 'train', done: offset + Math.min(epochs - 1, i), total }),
    done: () => ctx.report({ stage: 'train', done: offset + epochs, total }),
  };
}

/** crossValidateHead for a linear head; also returns the last fold's weights to start the final head from. */
export async function crossValidateLinear(args: CrossValidationArgs): Promise<HeadCrossValidation & { warmStart: LinearWeights | null }> {
  const { data, folds, k, recipe, ctx } = args;
  const { numClasses } = args.head;
  const epochs = recipe.options.epochs;
  const progress = args.progress ?? { offset: 0, total: k * epochs };
  const outOfFold = new Float32Array(data.labels.length * numClasses);
  const accuracies: number[] = [];
  const l2s: number[] = [];
  const stack = stackRows(data, recipe, folds, k);
  let warmStart: LinearWeights | null = null;
  try {
    for (let fold = 0; fold < k; fold++) {
      const heldOut: number[] = [];
      folds.forEach((f, i) => f === fold && heldOut.push(i));
      if (heldOut.length === 0) continue;
      const squares = Float64Array.from(stack.squares[k]!, (all, j) => all - (stack.squares[fold]![j] as number));
      const problem = problemFor(stack, data, recipe, numClasses, (i) => folds[i] !== fold, squares);
      const report = headProgress(ctx, progress.offset + fold * epochs, progress.total, epochs);
      const solved = await solveLinear(problem, { init: warmStart, isCancelled: () => ctx.signal.aborted, onIteration: ({ iteration }) => report.iteration(iteration) });
      report.done();
      warmStart = solved.weights;
      const probabilities = photoProbabilities(stack, solved.logits, heldOut, numClasses, recipe);
      heldOut.forEach((row, i) => outOfFold.set(probabilities.subarray(i * numClasses, (i + 1) * numClasses), row * numClasses));
      accuracies.push(accuracy(Int32Array.from(heldOut, (i) => data.labels[i] as number), predictClasses(probabilities, numClasses)));
      l2s.push(recipe.options.l2 ?? 0);
    }
  } finally {
    stack.x.dispose();
  }
  const pooledAccuracy = accuracy(data.labels, predictClasses(outOfFold, numClasses));
  return { k, outOfFold, accuracies, ...meanStd(accuracies), pooledAccuracy, l2s, warmStart };
}

/** Writes solved weights into a head model of the recipe's topology (Dropout → Dense), for saving and export. */
export function headModelWith(head: Omit<HeadSpec, 'seed'>, seed: number, weights: LinearWeights): tf.LayersModel {
  const model = buildHead({ ...head, seed });
  const dense = model.getLayer('head_predictions');
  const tensors = [tf.tensor2d(weights.kernel, [head.inputDim, weights.bias.length]), tf.tensor1d(weights.bias)];
  dense.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}

/** fitHead for a linear head: one full-batch fit on `data` (from `init` when given), its progress as `epochs` curve points. */
export async function fitLinearHead(args: {
  data: RecipeData;
  head: Omit<HeadSpec, 'seed'>;
  recipe: HeadRecipe;
  ctx: JobContext;
  validation?: RecipeData | null;
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
  init?: LinearWeights | null;
}): Promise<{ model: tf.LayersModel; l2: number }> {
  const { data, recipe, ctx, validation } = args;
  const { numClasses } = args.head;
  const epochs = recipe.options.epochs;
  const stack = stackRows(data, recipe, null, 0);
  const validationX = validation && validation.features.count > 0 ? tf.tensor2d(validation.features.views[0]!.subarray(0, validation.features.count * validation.features.dim), [validation.features.count, validation.features.dim]) : null;
  try {
    const problem = problemFor(stack, data, recipe, numClasses, () => true, stack.squares[0]!);
    const report = headProgress(ctx, 0, epochs, epochs);
    const history: EpochMetrics[] = [];
    ctx.report({ stage: 'train', done: 0, total: epochs });
    const solved = await solveLinear(problem, {
      init: args.init ?? null,
      isCancelled: () => ctx.signal.aborted,
      onIteration: async ({ iteration, loss, accuracy: trainAccuracy }, weights) => {
        let valLoss: number | null = null;
        let valAccuracy: number | null = null;
        if (validationX && validation) {
          // as the Adam path's validation: the plain view, no TTA
          const probabilities = logitsToProbabilities(linearLogits(validationX, weights), numClasses);
          valLoss = logLoss(validation.labels, probabilities, numClasses);
          valAccuracy = accuracy(validation.labels, predictClasses(probabilities, numClasses));
        }
        report.iteration(iteration);
        history.push({ epoch: iteration, loss, accuracy: trainAccuracy, valLoss, valAccuracy });
      },
    });
    // The run's curve keeps `epochs` points (what the UI and the run's record expect of every head): the solver's
    // state at evenly spaced iterations, the last point being the solution.
    for (let epoch = 1; epoch <= epochs && history.length > 0; epoch++) {
      if (ctx.signal.aborted) throw new StudioError('CANCELLED', 'Cancelled');
      const at = history[Math.min(history.length, Math.ceil((epoch * history.length) / epochs)) - 1]!;
      await args.onEpoch?.({ ...at, epoch });
      await yieldToEventLoop();
    }
    report.done();
    return { model: headModelWith(args.head, recipe.options.seed, solved.weights), l2: recipe.options.l2 ?? 0 };
  } finally {
    stack.x.dispose();
    validationX?.dispose();
  }
}
