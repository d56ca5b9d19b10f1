// Adam on a linear head (Dense without hidden layers) in plain JS: forward, class-weighted cross-entropy, gradients,
// optional L2, and tfjs's Adam update. For a few hundred rows × 1280 features this beats a tfjs round trip per batch.
import { PROBABILITY_EPSILON, sigmoidToRows, type BatchResult } from './training-loop.js';

/** Plain-JS Adam state for a linear head (tfjs's Adam: bias-corrected moments, ε = 1e-7). */
export interface LinearState {
  kernel: Float32Array;
  bias: Float32Array;
  m: Float32Array;
  v: Float32Array;
  step: number;
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-7;

/**
 * One Adam step of a linear head (no hidden layers) on a batch, in plain JS: for these sizes (a few hundred
 * rows × 1280 features) it is ~30× faster than a tfjs round trip per batch, and it is the same math.
 * Parameters are [kernel (dim × units), bias (units)] as in the Dense layer.
 */
export function linearStep(state: LinearState, x: Float32Array, size: number, dim: number, y: Float32Array, w: Float32Array, learningRate: number, l2: number): BatchResult {
  const units = state.bias.length;
  const binary = units === 1;
  const z = new Float64Array(size * units);
  for (let i = 0; i < size; i++) {
    for (let u = 0; u < units; u++) {
      let sum = state.bias[u] as number;
      for (let d = 0; d < dim; d++) sum += (x[i * dim + d] as number) * (state.kernel[d * units + u] as number);
      z[i * units + u] = sum;
    }
  }
  const p = new Float32Array(size * units);
  let loss = 0;
  const dz = new Float64Array(size * units);
  for (let i = 0; i < size; i++) {
    if (binary) {
      const pi = 1 / (1 + Math.exp(-(z[i] as number)));
      p[i] = pi;
      const clipped = Math.min(Math.max(pi, PROBABILITY_EPSILON), 1 - PROBABILITY_EPSILON);
      const yi = y[i] as number;
      loss -= (w[i] as number) * (yi * Math.log(clipped) + (1 - yi) * Math.log(1 - clipped));
      dz[i] = ((w[i] as number) * (pi - yi)) / size;
    } else {
      let max = -Infinity;
      for (let u = 0; u < units; u++) max = Math.max(max, z[i * units + u] as number);
      let total = 0;
      for (let u = 0; u < units; u++) total += Math.exp((z[i * units + u] as number) - max);
      for (let u = 0; u < units; u++) {
        const pu = Math.exp((z[i * units + u] as number) - max) / total;
        p[i * units + u] = pu;
        const yu = y[i * units + u] as number;
        if (yu > 0) loss -= (w[i] as number) * yu * Math.log(Math.min(Math.max(pu, PROBABILITY_EPSILON), 1 - PROBABILITY_EPSILON));
        dz[i * units + u] = ((w[i] as number) * (pu - yu)) / size;
      }
    }
  }
  loss /= size;
  const grad = new Float64Array(dim * units + units);
  for (let i = 0; i < size; i++) {
    for (let u = 0; u < units; u++) {
      const g = dz[i * units + u] as number;
      if (g === 0) continue;
      for (let d = 0; d < dim; d++) grad[d * units + u] = (grad[d * units + u] as number) + (x[i * dim + d] as number) * g;
      grad[dim * units + u] = (grad[dim * units + u] as number) + g;
    }
  }
  if (l2 > 0) {
    for (let k = 0; k < dim * units; k++) {
      const weight = state.kernel[k] as number;
      grad[k] = (grad[k] as number) + 2 * l2 * weight;
      loss += l2 * weight * weight;
    }
  }
  state.step++;
  const correction1 = 1 - ADAM_BETA1 ** state.step;
  const correction2 = 1 - ADAM_BETA2 ** state.step;
  for (let k = 0; k < grad.length; k++) {
    const g = grad[k] as number;
    const m = ADAM_BETA1 * (state.m[k] as number) + (1 - ADAM_BETA1) * g;
    const v = ADAM_BETA2 * (state.v[k] as number) + (1 - ADAM_BETA2) * g * g;
    state.m[k] = m;
    state.v[k] = v;
    const delta = (learningRate * (m / correction1)) / (Math.sqrt(v / correction2) + ADAM_EPSILON);
    if (k < dim * units) state.kernel[k] = (state.kernel[k] as number) - delta;
    else state.bias[k - dim * units] = (state.bias[k - dim * units] as number) - delta;
  }
  return { loss, probabilities: binary ? sigmoidToRows(p) : p };
}

