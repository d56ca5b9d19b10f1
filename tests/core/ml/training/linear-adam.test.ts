import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildHead, weightedCrossEntropy } from '../../../../src-main/core/ml/training/head.js';
import { linearStep, type LinearState } from '../../../../src-main/core/ml/training/linear-adam.js';
import { createRandom } from '../../../../src-main/core/ml/features/seeded-random.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('linearStep', () => {
  it.each([2, 3])('takes the same Adam steps as tfjs on a linear head with %i classes', (numClasses) => {
    const dim = 16;
    const size = 8;
    const random = createRandom(7);
    const model = buildHead({ inputDim: dim, numClasses, hiddenUnits: [], dropout: 0, seed: 3 });
    const dense = model.layers.find((l) => l.getClassName() === 'Dense')!;
    const [kernel, bias] = dense.getWeights().map((t) => t.dataSync().slice() as Float32Array);
    const state: LinearState = { kernel: kernel!.slice(), bias: bias!.slice(), m: new Float32Array(kernel!.length + bias!.length), v: new Float32Array(kernel!.length + bias!.length), step: 0 };
    const optimizer = tf.train.adam(0.01);
    const units = numClasses === 2 ? 1 : numClasses;
    for (let step = 0; step < 5; step++) {
      const x = Float32Array.from({ length: size * dim }, () => random() * 2 - 1);
      const y = new Float32Array(size * units);
      for (let i = 0; i < size; i++) y[units === 1 ? i : i * units + (i % units)] = units === 1 ? i % 2 : 1;
      const w = Float32Array.from({ length: size }, (_, i) => 0.5 + (i % 3) * 0.5);
      const ours = linearStep(state, x, size, dim, y, w, 0.01, 0);
      const theirs = optimizer.minimize(() => weightedCrossEntropy(model.apply(tf.tensor2d(x, [size, dim])) as tf.Tensor2D, y, w), true)!;
      expect(ours.loss).toBeCloseTo(theirs.dataSync()[0]!, 5);
      theirs.dispose();
    }
    const [tfKernel, tfBias] = dense.getWeights().map((t) => t.dataSync());
    let maxDiff = 0;
    state.kernel.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - tfKernel![i]!))));
    state.bias.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - tfBias![i]!))));
    expect(maxDiff).toBeLessThan(1e-5);
    // and the weights really moved
    expect(Math.abs(state.kernel[0]! - kernel![0]!) + Math.abs(state.bias[0]! - bias![0]!)).toBeGreaterThan(0);
    optimizer.dispose();
    model.dispose();
  });
});
