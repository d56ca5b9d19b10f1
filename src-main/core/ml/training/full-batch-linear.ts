// Linear heads (sigmoid for two classes, softmax otherwise) fitted by full-batch L-BFGS to convergence: the
// weighted mean cross-entropy plus a per-feature L2 penalty, a smooth strictly convex problem with one optimum, so
// a warm start changes the time it takes, not the answer. Heads that share the rows (k-fold heads and the final
// head differ only in row weights) are fitted side by side: one pass over the rows per round evaluates every head's
// trial point (row-products.ts), each head keeping its own L-BFGS state and line search (lbfgs-head.ts).
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import { LbfgsHead, type Evaluation } from './lbfgs-head.js';
import { rowProducts, type RowProducts } from './row-products.js';
import { yieldToEventLoop } from './training-loop.js';

export interface LinearWeights {
  /** dim × units, row-major (the Dense kernel's layout) */
  kernel: Float32Array;
  /** units */
  bias: Float32Array;
}

/** The rows the heads share. */
export interface LinearRows {
  /**
   * every row, N × dim, row-major — one array or consecutive parts of whole rows (e.g. the views, not copied into
   * one); rows with weight 0 in a head are predicted by it but not fitted
   */
  x: Float32Array | readonly Float32Array[];
  dim: number;
  labels: Int32Array;
  numClasses: number;
}

/** What one head minimises over the shared rows. */
export interface HeadObjective {
  /** each row's weight in the loss (class weight / number of training rows; 0 = not a training row) */
  rowWeights: Float64Array;
  /** L2 strength per feature: the penalty is Σ_j penalty[j] · Σ_u kernel[j][u]² (the bias is not penalised) */
  penalty: Float64Array;
  /**
   * Σ_i rowWeight_i · x_ij² per feature: with it the solver scales its steps by the Hessian's diagonal at the start
   * (features differ in scale by orders of magnitude, which plain L-BFGS pays for in iterations)
   */
  featureSquares?: Float64Array;
}

export interface LinearProblem extends LinearRows, HeadObjective {}

export interface IterationInfo {
  /** 1-based */
  iteration: number;
  /** weighted cross-entropy + penalty */
  loss: number;
  /** accuracy over the rows with weight > 0 */
  accuracy: number;
}

export interface SolveOptions {
  init?: LinearWeights | null;
  /** stop when the largest gradient component is below this */
  tolerance?: number;
  maxIterations?: number;
  isCancelled?: () => boolean;
  /** after each iteration, with the weights it reached */
  onIteration?: (info: IterationInfo, weights: LinearWeights) => void | Promise<void>;
  /** 'tfjs' keeps the products on the tfjs backend even when ONNX Runtime loads */
  engine?: 'auto' | 'tfjs';
  /** false: solve on the rows as they are (the optimum is the same; centred rows need far fewer iterations) */
  centre?: boolean;
}

export interface JointSolveOptions extends Omit<SolveOptions, 'init' | 'onIteration'> {
  /** after each iteration of head `head` (an index into the heads), with the weights it reached */
  onIteration?: (head: number, info: IterationInfo, weights: LinearWeights) => void | Promise<void>;
  /** after each round, with the rounds so far (one pass over the rows: one evaluation for every unfinished head) */
  onPass?: (passes: number) => void;
}

export interface SolveResult {
  weights: LinearWeights;
  /** N × units logits of every row at the solution */
  logits: Float32Array;
  iterations: number;
  converged: boolean;
}

export const DEFAULT_TOLERANCE = 1e-5;
export const DEFAULT_MAX_ITERATIONS = 300;

export const unitsFor = (numClasses: number): number => (numClasses === 2 ? 1 : numClasses);

/** Row probabilities (n × numClasses) from logits (n × units): [1 − p, p] for a sigmoid unit, softmax otherwise. */
export function logitsToProbabilities(logits: Float32Array, numClasses: number): Float32Array {
  const units = unitsFor(numClasses);
  const rows = logits.length / units;
  const out = new Float32Array(rows * numClasses);
  for (let i = 0; i < rows; i++) {
    if (units === 1) {
      const p = 1 / (1 + Math.exp(-(logits[i] as number)));
      out[i * 2] = 1 - p;
      out[i * 2 + 1] = p;
    } else {
      let max = -Infinity;
      for (let u = 0; u < units; u++) max = Math.max(max, logits[i * units + u] as number);
      let total = 0;
      for (let u = 0; u < units; u++) total += Math.exp((logits[i * units + u] as number) - max);
      for (let u = 0; u < units; u++) out[i * units + u] = Math.exp((logits[i * units + u] as number) - max) / total;
    }
  }
  return out;
}

/** Logits of `x` (N × dim) under the weights: one matrix product on the tfjs backend. */
export function linearLogits(x: tf.Tensor2D, weights: LinearWeights): Float32Array {
  const units = weights.bias.length;
  const dim = x.shape[1];
  const logits = tf.tidy(() => tf.matMul(x, tf.tensor2d(weights.kernel, [dim, units])).dataSync() as Float32Array);
  const out = logits instanceof Float32Array ? logits : Float32Array.from(logits);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (weights.bias[i % units] as number);
  return out;
}

/** One head of a joint fit: its objective, its place among the product's columns, its centring and its L-BFGS state. */
interface HeadFit {
  index: number;
  objective: HeadObjective;
  /** the weighted mean of its rows (zeros without centring) */
  mean: Float64Array;
  solver: LbfgsHead;
}

/** The Σ-of-units columns of all heads' kernels side by side, and each column's logit offset c − mean·W. */
function jointKernel(fits: readonly HeadFit[], points: readonly Float64Array[], dim: number, units: number) {
  const columns = fits.length * units;
  const w = new Float32Array(dim * columns);
  const offset = new Float64Array(columns);
  fits.forEach((fit, h) => {
    const theta = points[h]!;
    for (let u = 0; u < units; u++) {
      const column = h * units + u;
      let shift = 0;
      for (let j = 0; j < dim; j++) {
        const value = theta[j * units + u] as number;
        w[j * columns + column] = value;
        shift += (fit.mean[j] as number) * value;
      }
      offset[column] = (theta[dim * units + u] as number) - shift;
    }
  });
  return { w, offset, columns };
}

/**
 * Loss, gradient and logits of every head at its point, from one pass over the rows. The parameters are [W, c] with
 * logits = (x − mean)·W + c: the model of bias b = c − mean·W, so ∂/∂W = Xᵀr − mean·Σr (+ the penalty's 2λW).
 */
async function evaluateHeads(products: RowProducts, rows: LinearRows, fits: readonly HeadFit[], points: readonly Float64Array[]): Promise<Evaluation[]> {
  const { dim, labels } = rows;
  const units = unitsFor(rows.numClasses);
  const count = labels.length;
  const { w, offset, columns } = jointKernel(fits, points, dim, units);
  const logits = fits.map(() => new Float32Array(count * units));
  const losses = new Float64Array(fits.length);
  const residualSums = new Float64Array(columns);
  const product = await products.pass(w, columns, (start, blockRows, z) => {
    const r = new Float32Array(blockRows * columns);
    fits.forEach((fit, h) => {
      const weights = fit.objective.rowWeights;
      const out = logits[h]!;
      const first = h * units;
      let loss = 0;
      for (let i = 0; i < blockRows; i++) {
        const row = start + i;
        for (let u = 0; u < units; u++) out[row * units + u] = (z[i * columns + first + u] as number) + (offset[first + u] as number);
        const weight = weights[row] as number;
        if (weight === 0) continue;
        const label = labels[row] as number;
        if (units === 1) {
          const logit = out[row] as number;
          const y = label === 1 ? 1 : 0;
          // log(1 + e^z) − y·z without overflow
          loss += weight * (Math.max(logit, 0) - y * logit + Math.log1p(Math.exp(-Math.abs(logit))));
          const residual = weight * (1 / (1 + Math.exp(-logit)) - y);
          r[i * columns + first] = residual;
          residualSums[first] = (residualSums[first] as number) + residual;
        } else {
          let max = -Infinity;
          for (let u = 0; u < units; u++) max = Math.max(max, out[row * units + u] as number);
          let total = 0;
          for (let u = 0; u < units; u++) total += Math.exp((out[row * units + u] as number) - max);
          loss += weight * (max + Math.log(total) - (out[row * units + label] as number));
          for (let u = 0; u < units; u++) {
            const residual = weight * (Math.exp((out[row * units + u] as number) - max) / total - (u === label ? 1 : 0));
            r[i * columns + first + u] = residual;
            residualSums[first + u] = (residualSums[first + u] as number) + residual;
          }
        }
      }
      losses[h] = (losses[h] as number) + loss;
    });
    return r;
  });
  return fits.map((fit, h) => {
    const theta = points[h]!;
    const grad = new Float64Array(theta.length);
    let loss = losses[h] as number;
    for (let u = 0; u < units; u++) {
      const column = h * units + u;
      const sum = residualSums[column] as number;
      for (let j = 0; j < dim; j++) {
        const k = j * units + u;
        const value = theta[k] as number;
        const lambda = fit.objective.penalty[j] as number;
        grad[k] = (product[column * dim + j] as number) - (fit.mean[j] as number) * sum + 2 * lambda * value;
        loss += lambda * value * value;
      }
      grad[dim * units + u] = sum;
    }
    return { loss, grad, logits: logits[h]! };
  });
}

/** Each head's weighted mean row (Σ w·x / Σ w), all from one pass. */
async function weightedMeans(products: RowProducts, rows: LinearRows, heads: readonly HeadObjective[]): Promise<Float64Array[]> {
  const columns = heads.length;
  const totals = heads.map((head) => head.rowWeights.reduce((sum, w) => sum + w, 0));
  const sums = await products.pass(new Float32Array(rows.dim * columns), columns, (start, blockRows) => {
    const r = new Float32Array(blockRows * columns);
    heads.forEach((head, h) => {
      for (let i = 0; i < blockRows; i++) r[i * columns + h] = (head.rowWeights[start + i] as number) / (totals[h] || 1);
    });
    return r;
  });
  return heads.map((_, h) => Float64Array.from(sums.subarray(h * rows.dim, (h + 1) * rows.dim)));
}

/** 1 / the loss Hessian's diagonal at the start (every class equally likely) for centred rows, or ones without featureSquares. */
function inverseHessianDiagonal(objective: HeadObjective, mean: Float64Array, dim: number, units: number): Float64Array {
  const out = new Float64Array(dim * units + units).fill(1);
  if (!objective.featureSquares) return out;
  const curvature = units === 1 ? 1 / 4 : (1 / units) * (1 - 1 / units);
  let totalWeight = 0;
  for (const w of objective.rowWeights) totalWeight += w;
  for (let j = 0; j < dim; j++) {
    const squares = objective.featureSquares[j] as number;
    // Σ w·(x − m)² = Σ w·x² − Σw·m², kept positive (featureSquares may weigh rows slightly differently)
    const centred = Math.max(squares - totalWeight * (mean[j] as number) ** 2, 1e-3 * squares);
    const diagonal = curvature * centred + 2 * (objective.penalty[j] as number);
    for (let u = 0; u < units; u++) out[j * units + u] = diagonal > 0 ? 1 / diagonal : 1;
  }
  for (let u = 0; u < units; u++) out[dim * units + u] = 1 / Math.max(curvature * totalWeight, 1e-12);
  return out;
}

/** The head's weights in the model's form: kernel W and bias b = c − mean·W. */
function weightsOf(fit: HeadFit, theta: Float64Array, dim: number, units: number): LinearWeights {
  const bias = new Float32Array(units);
  for (let u = 0; u < units; u++) {
    let shift = 0;
    for (let j = 0; j < dim; j++) shift += (fit.mean[j] as number) * (theta[j * units + u] as number);
    bias[u] = (theta[dim * units + u] as number) - shift;
  }
  return { kernel: Float32Array.from(theta.subarray(0, dim * units)), bias };
}

function accuracyOf(rows: LinearRows, rowWeights: Float64Array, logits: Float32Array, units: number): number {
  let right = 0;
  let total = 0;
  for (let i = 0; i < rows.labels.length; i++) {
    if ((rowWeights[i] as number) === 0) continue;
    let predicted = 0;
    if (units === 1) predicted = (logits[i] as number) > 0 ? 1 : 0;
    else for (let u = 1; u < units; u++) if ((logits[i * units + u] as number) > (logits[i * units + predicted] as number)) predicted = u;
    total++;
    if (predicted === rows.labels[i]) right++;
  }
  return total ? right / total : 0;
}

/**
 * Fits every head (from its `init` or zeros) to the gradient tolerance, side by side: each round one pass over the
 * rows evaluates the trial point of every head still going; a head that converged drops out of the passes.
 * With `centre` (the default) the solver works on rows centred on each head's weighted mean: the same optimum.
 */
export async function solveLinearHeads(rows: LinearRows, heads: ReadonlyArray<HeadObjective & { init?: LinearWeights | null }>, options: JointSolveOptions = {}): Promise<SolveResult[]> {
  const { dim, labels } = rows;
  const count = labels.length;
  const units = unitsFor(rows.numClasses);
  const parts = rows.x instanceof Float32Array ? [rows.x.subarray(0, count * dim)] : rows.x;
  const values = parts.reduce((sum, part) => sum + part.length, 0);
  if (values !== count * dim || parts.some((part) => part.length % dim !== 0)) throw new StudioError('INVALID_INPUT', `expected ${count} rows × ${dim} features in whole rows, received ${values} values`);
  for (const head of heads) {
    if (head.rowWeights.length !== count) throw new StudioError('INVALID_INPUT', `expected one label and one weight per row (${count}), received ${count} and ${head.rowWeights.length}`);
  }
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const products = await rowProducts(parts, dim, options.engine);
  try {
    const means = options.centre === false ? heads.map(() => new Float64Array(dim)) : await weightedMeans(products, rows, heads);
    const fits: HeadFit[] = heads.map((objective, index) => {
      const mean = means[index]!;
      const theta = new Float64Array(dim * units + units);
      if (objective.init) {
        theta.set(objective.init.kernel);
        for (let u = 0; u < units; u++) {
          let shift = 0;
          for (let j = 0; j < dim; j++) shift += (mean[j] as number) * (objective.init.kernel[j * units + u] as number);
          theta[dim * units + u] = (objective.init.bias[u] as number) + shift;
        }
      }
      const solver = new LbfgsHead(theta, inverseHessianDiagonal(objective, mean, dim, units), tolerance, maxIterations);
      return { index, objective, mean, solver };
    });
    const start = await evaluateHeads(products, rows, fits, fits.map((fit) => fit.solver.theta));
    fits.forEach((fit, h) => fit.solver.begin(start[h]!));
    let passes = 0;
    for (;;) {
      const active = fits.filter((fit) => !fit.solver.done);
      if (active.length === 0) break;
      if (options.isCancelled?.()) throw new StudioError('CANCELLED', 'Cancelled');
      const trials = await evaluateHeads(products, rows, active, active.map((fit) => fit.solver.trialPoint()));
      for (const [h, fit] of active.entries()) {
        const outcome = fit.solver.offer(trials[h]!);
        if (outcome !== 'iteration' || !options.onIteration) continue;
        const { loss, logits } = fit.solver.current;
        const info = { iteration: fit.solver.iterations, loss, accuracy: accuracyOf(rows, fit.objective.rowWeights, logits, units) };
        await options.onIteration(fit.index, info, weightsOf(fit, fit.solver.theta, dim, units));
      }
      options.onPass?.(++passes);
      // one round is one pass over the rows: let the event loop (progress, cancel, other requests) in between
      await yieldToEventLoop();
    }
    return fits.map((fit) => ({ weights: weightsOf(fit, fit.solver.theta, dim, units), logits: fit.solver.current.logits, iterations: fit.solver.iterations, converged: fit.solver.converged }));
  } finally {
    products.dispose();
  }
}

/** One head: solveLinearHeads with a single objective. */
export async function solveLinear(problem: LinearProblem, options: SolveOptions = {}): Promise<SolveResult> {
  const { onIteration, init, ...rest } = options;
  const [result] = await solveLinearHeads(problem, [{ ...problem, init: init ?? null }], { ...rest, onIteration: onIteration ? (_head, info, weights) => onIteration(info, weights) : undefined });
  return result!;
}
