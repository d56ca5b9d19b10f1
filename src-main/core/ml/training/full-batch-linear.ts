// A linear head (sigmoid for two classes, softmax otherwise) fitted by full-batch L-BFGS to convergence: the
// weighted mean cross-entropy plus a per-feature L2 penalty, a smooth strictly convex problem with one optimum, so
// a warm start changes the time it takes, not the answer. The two matrix products per iteration run on the
// active tfjs backend (wasm SIMD, TensorFlow); the vector work of L-BFGS is plain JS.
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import { yieldToEventLoop } from './training-loop.js';

export interface LinearWeights {
  /** dim × units, row-major (the Dense kernel's layout) */
  kernel: Float32Array;
  /** units */
  bias: Float32Array;
}

export interface LinearProblem {
  /** every row, N × dim; rows with weight 0 are predicted but not fitted */
  x: tf.Tensor2D;
  labels: Int32Array;
  numClasses: number;
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
const HISTORY = 10;
const ARMIJO = 1e-4;
/** halvings before a line search gives up: no decrease by then means float32 noise, i.e. the optimum */
const LINE_SEARCH_TRIES = 12;
/** iterations whose total relative decrease below PLATEAU_DECREASE ends the solve (float32 products' noise floor) */
const PLATEAU_ITERATIONS = 5;
const PLATEAU_DECREASE = 1e-7;

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

interface Evaluation {
  loss: number;
  grad: Float64Array;
  logits: Float32Array;
}

function weightsOf(theta: Float64Array, dim: number, units: number): LinearWeights {
  return { kernel: Float32Array.from(theta.subarray(0, dim * units)), bias: Float32Array.from(theta.subarray(dim * units)) };
}

/** Loss, gradient and logits at θ = [kernel (dim × units), bias (units)]. */
function evaluate(problem: LinearProblem, theta: Float64Array, dim: number, units: number): Evaluation {
  const { x, labels, rowWeights, penalty } = problem;
  const logits = linearLogits(x, weightsOf(theta, dim, units));
  const rows = labels.length;
  // residual, transposed (units × N) for the gradient product
  const residual = new Float32Array(units * rows);
  const grad = new Float64Array(theta.length);
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const weight = rowWeights[i] as number;
    if (weight === 0) continue;
    const label = labels[i] as number;
    if (units === 1) {
      const z = logits[i] as number;
      const y = label === 1 ? 1 : 0;
      // log(1 + e^z) − y·z without overflow
      loss += weight * (Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z))));
      const r = weight * (1 / (1 + Math.exp(-z)) - y);
      residual[i] = r;
      grad[dim] = (grad[dim] as number) + r;
    } else {
      let max = -Infinity;
      for (let u = 0; u < units; u++) max = Math.max(max, logits[i * units + u] as number);
      let total = 0;
      for (let u = 0; u < units; u++) total += Math.exp((logits[i * units + u] as number) - max);
      loss += weight * (max + Math.log(total) - (logits[i * units + label] as number));
      for (let u = 0; u < units; u++) {
        const r = weight * (Math.exp((logits[i * units + u] as number) - max) / total - (u === label ? 1 : 0));
        residual[u * rows + i] = r;
        grad[dim * units + u] = (grad[dim * units + u] as number) + r;
      }
    }
  }
  const product = tf.tidy(() => tf.matMul(tf.tensor2d(residual, [units, rows]), x).dataSync() as Float32Array);
  for (let u = 0; u < units; u++) {
    for (let j = 0; j < dim; j++) {
      const k = j * units + u;
      const w = theta[k] as number;
      const lambda = penalty[j] as number;
      grad[k] = (product[u * dim + j] as number) + 2 * lambda * w;
      loss += lambda * w * w;
    }
  }
  return { loss, grad, logits };
}

/** 1 / the loss Hessian's diagonal at the start (every class equally likely), or ones without featureSquares. */
function inverseHessianDiagonal(problem: LinearProblem, dim: number, units: number): Float64Array {
  const out = new Float64Array(dim * units + units).fill(1);
  if (!problem.featureSquares) return out;
  const curvature = units === 1 ? 1 / 4 : (1 / units) * (1 - 1 / units);
  let totalWeight = 0;
  for (const w of problem.rowWeights) totalWeight += w;
  for (let j = 0; j < dim; j++) {
    const diagonal = curvature * (problem.featureSquares[j] as number) + 2 * (problem.penalty[j] as number);
    for (let u = 0; u < units; u++) out[j * units + u] = diagonal > 0 ? 1 / diagonal : 1;
  }
  for (let u = 0; u < units; u++) out[dim * units + u] = 1 / Math.max(curvature * totalWeight, 1e-12);
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] as number));
  return max;
}

function accuracyOf(problem: LinearProblem, logits: Float32Array, units: number): number {
  let right = 0;
  let total = 0;
  for (let i = 0; i < problem.labels.length; i++) {
    if ((problem.rowWeights[i] as number) === 0) continue;
    let predicted = 0;
    if (units === 1) predicted = (logits[i] as number) > 0 ? 1 : 0;
    else for (let u = 1; u < units; u++) if ((logits[i * units + u] as number) > (logits[i * units + predicted] as number)) predicted = u;
    total++;
    if (predicted === problem.labels[i]) right++;
  }
  return total ? right / total : 0;
}

/** L-BFGS (two-loop recursion, backtracking Armijo line search) from `init` or zeros, to the gradient tolerance. */
export async function solveLinear(problem: LinearProblem, options: SolveOptions = {}): Promise<SolveResult> {
  const dim = problem.x.shape[1];
  const units = unitsFor(problem.numClasses);
  if (problem.labels.length !== problem.x.shape[0] || problem.rowWeights.length !== problem.labels.length) {
    throw new StudioError('INVALID_INPUT', `expected one label and one weight per row (${problem.x.shape[0]}), received ${problem.labels.length} and ${problem.rowWeights.length}`);
  }
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const theta = new Float64Array(dim * units + units);
  if (options.init) {
    theta.set(options.init.kernel);
    theta.set(options.init.bias, dim * units);
  }
  const inverseDiagonal = inverseHessianDiagonal(problem, dim, units);
  let current = evaluate(problem, theta, dim, units);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  let iterations = 0;
  const lossHistory = [current.loss];
  let converged = maxAbs(current.grad) <= tolerance;
  while (!converged && iterations < maxIterations) {
    if (options.isCancelled?.()) throw new StudioError('CANCELLED', 'Cancelled');
    // two-loop recursion: direction = −H·g
    const direction = Float64Array.from(current.grad, (g) => -g);
    const alphas: number[] = [];
    for (let k = steps.length - 1; k >= 0; k--) {
      const rho = 1 / dot(changes[k]!, steps[k]!);
      const alpha = rho * dot(steps[k]!, direction);
      alphas[k] = alpha;
      for (let i = 0; i < direction.length; i++) direction[i] = (direction[i] as number) - alpha * (changes[k]![i] as number);
    }
    // H0 = γ · D⁻¹ (D: the Hessian's diagonal at the start), γ from the last curvature pair
    let scale = 1;
    if (steps.length > 0) {
      const last = changes.length - 1;
      let weighted = 0;
      for (let i = 0; i < direction.length; i++) weighted += (changes[last]![i] as number) ** 2 * (inverseDiagonal[i] as number);
      scale = dot(steps[last]!, changes[last]!) / weighted;
    }
    for (let i = 0; i < direction.length; i++) direction[i] = (direction[i] as number) * scale * (inverseDiagonal[i] as number);
    for (let k = 0; k < steps.length; k++) {
      const rho = 1 / dot(changes[k]!, steps[k]!);
      const beta = rho * dot(changes[k]!, direction);
      for (let i = 0; i < direction.length; i++) direction[i] = (direction[i] as number) + (steps[k]![i] as number) * ((alphas[k] as number) - beta);
    }
    let slope = dot(current.grad, direction);
    if (slope >= 0) {
      // not a descent direction (numerical trouble): restart from the steepest descent
      steps.length = 0;
      changes.length = 0;
      for (let i = 0; i < direction.length; i++) direction[i] = -(current.grad[i] as number);
      slope = dot(current.grad, direction);
    }
    let step = 1;
    let next: Evaluation | null = null;
    const candidate = new Float64Array(theta.length);
    for (let tries = 0; tries < LINE_SEARCH_TRIES; tries++) {
      for (let i = 0; i < theta.length; i++) candidate[i] = (theta[i] as number) + step * (direction[i] as number);
      const trial = evaluate(problem, candidate, dim, units);
      if (trial.loss <= current.loss + ARMIJO * step * slope) {
        next = trial;
        break;
      }
      step /= 2;
    }
    iterations++;
    if (!next) {
      // no decrease along the direction at any step: at the optimum to machine precision
      converged = true;
      break;
    }
    const s = Float64Array.from(candidate, (value, i) => value - (theta[i] as number));
    const y = Float64Array.from(next.grad, (value, i) => value - (current.grad[i] as number));
    if (dot(s, y) > 1e-12) {
      steps.push(s);
      changes.push(y);
      if (steps.length > HISTORY) {
        steps.shift();
        changes.shift();
      }
    }
    theta.set(candidate);
    current = next;
    lossHistory.push(current.loss);
    const plateau = lossHistory.length > PLATEAU_ITERATIONS && (lossHistory.at(-1 - PLATEAU_ITERATIONS)! - current.loss) <= PLATEAU_DECREASE * Math.abs(current.loss);
    converged = maxAbs(current.grad) <= tolerance || plateau;
    await options.onIteration?.({ iteration: iterations, loss: current.loss, accuracy: accuracyOf(problem, current.logits, units) }, weightsOf(theta, dim, units));
    // one iteration is one pass over the rows: let the event loop (progress, cancel, other requests) in between
    await yieldToEventLoop();
  }
  return {
    weights: weightsOf(theta, dim, units),
    logits: current.logits,
    iterations,
    converged,
  };
}
