import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { logitsToProbabilities, solveLinear, solveLinearHeads, type LinearProblem, type LinearWeights } from '../../../../src-main/core/ml/training/full-batch-linear.js';
import { rowProducts } from '../../../../src-main/core/ml/training/row-products.js';
import { syntheticFeatures } from '../../../helpers/synthetic-features.js';

const DIM = 24;

function problem(numClasses: number, count: number, penalty = 1e-3): LinearProblem & { rows: Float32Array } {
  const labels = Int32Array.from({ length: count }, (_, i) => i % numClasses);
  // overlapping clusters, so the optimum is finite without the penalty doing all the work
  const rows = syntheticFeatures({ labels: Array.from(labels), dim: DIM, numClasses, separation: 1.2, seed: 3 }).views[0]!;
  const rowWeights = new Float64Array(count).fill(1 / count);
  rowWeights[0] = 0; // a row that is predicted but not fitted
  return { x: rows, dim: DIM, rows, labels, numClasses, rowWeights, penalty: new Float64Array(DIM).fill(penalty) };
}

/** The objective's gradient written out directly in plain JS (no tfjs), for checking the solver's optimum. */
function referenceGradient(p: LinearProblem & { rows: Float32Array }, weights: LinearWeights): number {
  const units = weights.bias.length;
  const count = p.labels.length;
  const logits = new Float32Array(count * units);
  for (let i = 0; i < count; i++)
    for (let u = 0; u < units; u++) {
      let z = weights.bias[u]!;
      for (let j = 0; j < DIM; j++) z += p.rows[i * DIM + j]! * weights.kernel[j * units + u]!;
      logits[i * units + u] = z;
    }
  const probabilities = logitsToProbabilities(logits, p.numClasses);
  const grad = new Float64Array(DIM * units + units);
  for (let i = 0; i < count; i++) {
    for (let u = 0; u < units; u++) {
      const predicted = units === 1 ? probabilities[i * 2 + 1]! : probabilities[i * units + u]!;
      const target = units === 1 ? p.labels[i]! : p.labels[i] === u ? 1 : 0;
      const r = p.rowWeights[i]! * (predicted - target);
      for (let j = 0; j < DIM; j++) grad[j * units + u] = grad[j * units + u]! + r * p.rows[i * DIM + j]!;
      grad[DIM * units + u] = grad[DIM * units + u]! + r;
    }
  }
  for (let j = 0; j < DIM; j++) for (let u = 0; u < units; u++) grad[j * units + u] = grad[j * units + u]! + 2 * p.penalty[j]! * weights.kernel[j * units + u]!;
  return Math.max(...Array.from(grad, Math.abs));
}

describe('solveLinear', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['two classes (one sigmoid unit)', 2],
    ['three classes (softmax)', 3],
  ])('reaches the optimum of the weighted, penalised cross-entropy for %s', async (_name, numClasses) => {
    const p = problem(numClasses, 90);
    const solved = await solveLinear(p, { tolerance: 1e-7 });
    expect(solved.converged).toBe(true);
    expect(solved.weights.bias).toHaveLength(numClasses === 2 ? 1 : numClasses);
    // the gradient computed independently vanishes at the solution: it is the optimum, not merely a stopping point
    // (to float32 precision: the products run in float32)
    const zero: LinearWeights = { kernel: new Float32Array(solved.weights.kernel.length), bias: new Float32Array(solved.weights.bias.length) };
    expect(referenceGradient(p, solved.weights)).toBeLessThan(referenceGradient(p, zero) * 1e-3);
  });

  it('lands on the same weights from a warm start far from the optimum, in fewer iterations from a near one', async () => {
    const p = problem(2, 120);
    const cold = await solveLinear(p, { tolerance: 1e-7 });
    const far: LinearWeights = { kernel: cold.weights.kernel.map((w, i) => w + (i % 2 ? 0.5 : -0.5)), bias: Float32Array.of(2) };
    const fromFar = await solveLinear(p, { init: far, tolerance: 1e-7 });
    const near: LinearWeights = { kernel: cold.weights.kernel.map((w) => w * 1.01), bias: cold.weights.bias };
    const fromNear = await solveLinear(p, { init: near, tolerance: 1e-7 });
    const maxDiff = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
    expect(maxDiff(fromFar.weights.kernel, cold.weights.kernel)).toBeLessThan(1e-3);
    expect(maxDiff(fromNear.weights.kernel, cold.weights.kernel)).toBeLessThan(1e-3);
    expect(fromNear.iterations).toBeLessThan(cold.iterations);
  });

  it('stops with CANCELLED between iterations', async () => {
    const p = problem(2, 60);
    let iterations = 0;
    const cancelled = solveLinear(p, { tolerance: 1e-12, isCancelled: () => iterations >= 2, onIteration: () => void iterations++ });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(iterations).toBe(2);
  });

  const maxDiff = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));

  it.each([
    ['two classes', 2],
    ['three classes', 3],
  ])('fits heads side by side to the same optima as one by one (%s), each with its own row weights and penalty', async (_name, numClasses) => {
    const p = problem(numClasses, 120);
    // three heads as k-fold heads are: each leaves out a third of the rows, with its own penalty
    const heads = [0, 1, 2].map((left) => ({
      rowWeights: Float64Array.from(p.labels, (_, i) => (i % 3 === left ? 0 : 1 / 80)),
      penalty: new Float64Array(DIM).fill(1e-3 * (left + 1)),
    }));
    const together = await solveLinearHeads(p, heads, { tolerance: 1e-7 });
    for (const [h, head] of heads.entries()) {
      const alone = await solveLinear({ ...p, ...head }, { tolerance: 1e-7 });
      expect(together[h]!.converged).toBe(true);
      expect(maxDiff(together[h]!.weights.kernel, alone.weights.kernel)).toBeLessThan(1e-3);
      expect(maxDiff(together[h]!.weights.bias, alone.weights.bias)).toBeLessThan(1e-3);
      // every row is predicted, the left-out ones included: the out-of-fold logits come from here
      expect(maxDiff(together[h]!.logits, alone.logits)).toBeLessThan(1e-3);
    }
    // the heads differ: the test would not pass with one head's solution copied to all
    expect(maxDiff(together[0]!.weights.kernel, together[2]!.weights.kernel)).toBeGreaterThan(1e-2);
  });

  it('centres the rows for the solver: the same optimum, reached in fewer iterations', async () => {
    // features far from zero, as ReLU6 outputs are: the intercept couples with every feature's mean
    const p = problem(2, 120);
    const rows = p.rows.map((v, i) => v + 3 + (i % DIM) / DIM);
    const shifted = { ...p, x: rows, rows };
    const centred = await solveLinear(shifted, { tolerance: 1e-7 });
    const plain = await solveLinear(shifted, { tolerance: 1e-7, centre: false });
    const zero: LinearWeights = { kernel: new Float32Array(DIM), bias: new Float32Array(1) };
    // centred: at the optimum (the gradient computed independently vanishes), in far fewer iterations; uncentred,
    // the float32 noise floor stops the solver short of it, near the same weights
    expect(referenceGradient(shifted, centred.weights)).toBeLessThan(referenceGradient(shifted, zero) * 1e-4);
    expect(referenceGradient(shifted, centred.weights)).toBeLessThan(referenceGradient(shifted, plain.weights));
    expect(centred.iterations * 3).toBeLessThan(plain.iterations);
    expect(maxDiff(centred.weights.kernel, plain.weights.kernel)).toBeLessThan(1e-2);
  });

  it('reaches the same optimum on the tfjs backend as on ONNX Runtime', async () => {
    const p = problem(3, 90);
    const products = await rowProducts([p.rows], DIM);
    expect(products.engine).toBe('onnxruntime');
    products.dispose();
    const auto = await solveLinear(p, { tolerance: 1e-7 });
    const tfjs = await solveLinear(p, { tolerance: 1e-7, engine: 'tfjs' });
    expect(maxDiff(auto.weights.kernel, tfjs.weights.kernel)).toBeLessThan(1e-3);
    expect(tf.memory().numTensors).toBe(0);
  });

  it('stops a joint fit with CANCELLED between passes, whichever head is iterating', async () => {
    const p = problem(2, 60);
    const heads = [1, 2].map((scale) => ({ rowWeights: new Float64Array(60).fill(1 / 60), penalty: new Float64Array(DIM).fill(1e-4 * scale) }));
    let passes = 0;
    const cancelled = solveLinearHeads(p, heads, { tolerance: 1e-12, isCancelled: () => passes >= 3, onPass: (n) => void (passes = n) });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(passes).toBe(3);
  });
});
