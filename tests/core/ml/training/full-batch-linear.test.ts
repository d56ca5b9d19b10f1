import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { logitsToProbabilities, solveLinear, type LinearProblem, type LinearWeights } from '../../../../src-main/core/ml/training/full-batch-linear.js';
import { syntheticFeatures } from '../../../helpers/synthetic-features.js';

const DIM = 24;

function problem(numClasses: number, count: number, penalty = 1e-3): LinearProblem & { rows: Float32Array } {
  const labels = Int32Array.from({ length: count }, (_, i) => i % numClasses);
  // overlapping clusters, so the optimum is finite without the penalty doing all the work
  const rows = syntheticFeatures({ labels: Array.from(labels), dim: DIM, numClasses, separation: 1.2, seed: 3 }).views[0]!;
  const rowWeights = new Float64Array(count).fill(1 / count);
  rowWeights[0] = 0; // a row that is predicted but not fitted
  return { x: tf.tensor2d(rows, [count, DIM]), rows, labels, numClasses, rowWeights, penalty: new Float64Array(DIM).fill(penalty) };
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
    p.x.dispose();
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
    p.x.dispose();
  });

  it('stops with CANCELLED between iterations', async () => {
    const p = problem(2, 60);
    let iterations = 0;
    const cancelled = solveLinear(p, { tolerance: 1e-12, isCancelled: () => iterations >= 2, onIteration: () => void iterations++ });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(iterations).toBe(2);
    p.x.dispose();
  });
});
