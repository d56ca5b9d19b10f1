// The head recipe (mirror rows, flip TTA, k-fold out-of-fold rows) for a linear head, fitted by the full-batch
// solver instead of mini-batch Adam: the rows of every view form one row matrix, a fold is a set of row weights,
// and the fold heads and the final head are fitted side by side (the problem is strictly convex: one optimum per
// head, whatever the start). Dropout has no place in a full-batch fit; its quadratic approximation does: an L2
// penalty per feature (see dropoutPenalty). Hidden-layer heads keep head-recipe.ts's Adam path.
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { JobContext } from '../../jobs/job-context.js';
import { buildHead, type EpochMetrics, type HeadSpec } from './head.js';
import type { CrossValidationArgs, FitHeadArgs, HeadCrossValidation, HeadRecipe, RecipeData } from './head-recipe.js';
import { linearLogits, logitsToProbabilities, solveLinear, solveLinearHeads, unitsFor, type IterationInfo, type LinearWeights } from './full-batch-linear.js';
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
  /** the rows, block by block (each count × dim, row-major; the caller's arrays, not copied) */
  x: Float32Array[];
  dim: number;
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
  const blocks = [...views, ...(withMirror ? [data.flipped!] : [])].map((block) => block.subarray(0, count * dim));
  const rows = blocks.length * count;
  const photo = new Int32Array(rows);
  const share = new Float64Array(rows);
  // each fold's (and the whole set's) Σ share · x² per feature, for the dropout penalty
  const squares = Array.from({ length: k + 1 }, () => new Float64Array(dim));
  blocks.forEach((block, b) => {
    const mirror = withMirror && b === blocks.length - 1;
    const s = mirror ? (recipe.flipRows ? 1 : 0) : 1 / views.length;
    for (let i = 0; i < count; i++) {
      photo[b * count + i] = i;
      share[b * count + i] = s;
      if (s === 0) continue;
      const group = squares[folds ? (folds[i] as number) : k]!;
      for (let j = 0, o = i * dim; j < dim; j++, o++) group[j] = (group[j] as number) + s * (block[o] as number) * (block[o] as number);
    }
  });
  if (folds) for (let f = 0; f < k; f++) for (let j = 0; j < dim; j++) squares[k]![j] = (squares[k]![j] as number) + (squares[f]![j] as number);
  return { x: blocks, dim, photo, share, flippedStart: withMirror ? (blocks.length - 1) * count : -1, squares };
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
  return { x: stack.x, dim: stack.dim, labels, numClasses, rowWeights, penalty, featureSquares: Float64Array.from(squares, (sum) => sum / trainingRows) };
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

/** A head solved ahead of fitLinearHead (with the k-fold heads): its weights and the solver's iterations. */
export interface SolvedLinearHead {
  weights: LinearWeights;
  history: IterationInfo[];
}

/**
 * crossValidateHead for a linear head. The k fold heads (and, with `final`, the head on every photo) are fitted
 * side by side by one joint solve: each pass over the rows serves all of them (each row trains k − 1 fold heads and
 * the final one). Returns the final head (with `final`) for fitLinearHead, and a head's weights to start a later fit from.
 * `solve` replaces the joint solver (bench/experiments/joint-heads.ts runs the previous one-by-one solver through it).
 */
export async function crossValidateLinear(args: CrossValidationArgs & { final?: boolean; solve?: typeof solveLinearHeads }): Promise<HeadCrossValidation & { warmStart: LinearWeights | null; final: SolvedLinearHead | null }> {
  const { data, folds, k, recipe, ctx } = args;
  const { numClasses } = args.head;
  const epochs = recipe.options.epochs;
  const progress = args.progress ?? { offset: 0, total: k * epochs };
  const outOfFold = new Float32Array(data.labels.length * numClasses);
  const accuracies: number[] = [];
  const l2s: number[] = [];
  const stack = stackRows(data, recipe, folds, k);
  const heldOut = Array.from({ length: k }, (_, fold) => [...folds.keys()].filter((i) => folds[i] === fold));
  const foldsFitted = heldOut.flatMap((photos, fold) => (photos.length > 0 ? [fold] : []));
  const objectives = foldsFitted.map((fold) => {
    const squares = Float64Array.from(stack.squares[k]!, (all, j) => all - (stack.squares[fold]![j] as number));
    return problemFor(stack, data, recipe, numClasses, (i) => folds[i] !== fold, squares);
  });
  if (args.final) objectives.push(problemFor(stack, data, recipe, numClasses, () => true, stack.squares[k]!));
  const history: IterationInfo[] = [];
  const span = k * epochs;
  const solve = args.solve ?? solveLinearHeads;
  const solved = await solve(objectives[0] ?? { x: stack.x, dim: stack.dim, labels: data.labels, numClasses }, objectives, {
    isCancelled: () => ctx.signal.aborted,
    onPass: (passes) => ctx.report({ stage: 'train', done: progress.offset + Math.min(span - 1, passes), total: progress.total }),
    onIteration: args.final ? (h, info) => void (h === foldsFitted.length && history.push(info)) : undefined,
  });
  ctx.report({ stage: 'train', done: progress.offset + span, total: progress.total });
  foldsFitted.forEach((fold, h) => {
    const probabilities = photoProbabilities(stack, solved[h]!.logits, heldOut[fold]!, numClasses, recipe);
    heldOut[fold]!.forEach((row, i) => outOfFold.set(probabilities.subarray(i * numClasses, (i + 1) * numClasses), row * numClasses));
    accuracies.push(accuracy(Int32Array.from(heldOut[fold]!, (i) => data.labels[i] as number), predictClasses(probabilities, numClasses)));
    l2s.push(recipe.options.l2 ?? 0);
  });
  const pooledAccuracy = accuracy(data.labels, predictClasses(outOfFold, numClasses));
  const final = args.final ? { weights: solved.at(-1)!.weights, history } : null;
  return { k, outOfFold, accuracies, ...meanStd(accuracies), pooledAccuracy, l2s, warmStart: solved.at(-1)?.weights ?? null, final };
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

/** Progress of one head in the job's epoch units: moves with the iterations, complete when the head is. */
function headProgress(ctx: JobContext, total: number, epochs: number) {
  return {
    iteration: (i: number) => ctx.report({ stage: 'train', done: Math.min(epochs - 1, i), total }),
    done: () => ctx.report({ stage: 'train', done: epochs, total }),
  };
}

/**
 * fitHead for a linear head: one full-batch fit on `data` (from `init` when given), its progress as `epochs` curve
 * points — or, given `solved` (crossValidateLinear's final head, fitted on these rows), the model and curve of that.
 */
export async function fitLinearHead(
  args: FitHeadArgs & { init?: LinearWeights | null; solved?: SolvedLinearHead | null },
): Promise<{ model: tf.LayersModel; l2: number }> {
  const { data, recipe, ctx, validation } = args;
  const { numClasses } = args.head;
  const epochs = recipe.options.epochs;
  const report = headProgress(ctx, epochs, epochs);
  ctx.report({ stage: 'train', done: 0, total: epochs });
  const validationX = validation && validation.features.count > 0 ? tf.tensor2d(validation.features.views[0]!.subarray(0, validation.features.count * validation.features.dim), [validation.features.count, validation.features.dim]) : null;
  try {
    const history: EpochMetrics[] = [];
    let weights: LinearWeights;
    if (args.solved && !validationX) {
      weights = args.solved.weights;
      history.push(...args.solved.history.map((info) => ({ epoch: info.iteration, loss: info.loss, accuracy: info.accuracy, valLoss: null, valAccuracy: null })));
    } else {
      const stack = stackRows(data, recipe, null, 0);
      const problem = problemFor(stack, data, recipe, numClasses, () => true, stack.squares[0]!);
      const solved = await solveLinear(problem, {
        init: args.init ?? null,
        isCancelled: () => ctx.signal.aborted,
        onIteration: async ({ iteration, loss, accuracy: trainAccuracy }, at) => {
          let valLoss: number | null = null;
          let valAccuracy: number | null = null;
          if (validationX && validation) {
            // as the Adam path's validation: the plain view, no TTA
            const probabilities = logitsToProbabilities(linearLogits(validationX, at), numClasses);
            valLoss = logLoss(validation.labels, probabilities, numClasses);
            valAccuracy = accuracy(validation.labels, predictClasses(probabilities, numClasses));
          }
          report.iteration(iteration);
          history.push({ epoch: iteration, loss, accuracy: trainAccuracy, valLoss, valAccuracy });
        },
      });
      weights = solved.weights;
    }
    // The run's curve keeps `epochs` points (what the UI and the run's record expect of every head): the solver's
    // state at evenly spaced iterations, the last point being the solution.
    for (let epoch = 1; epoch <= epochs && history.length > 0; epoch++) {
      if (ctx.signal.aborted) throw new StudioError('CANCELLED', 'Cancelled');
      const at = history[Math.min(history.length, Math.ceil((epoch * history.length) / epochs)) - 1]!;
      await args.onEpoch?.({ ...at, epoch });
      await yieldToEventLoop();
    }
    report.done();
    return { model: headModelWith(args.head, recipe.options.seed, weights), l2: recipe.options.l2 ?? 0 };
  } finally {
    validationX?.dispose();
  }
}
