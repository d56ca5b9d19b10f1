import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installFastConvBackpropFilter } from '../../../../src-main/core/ml/training/fast-conv-backprop.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Shape4 = [number, number, number, number];
const CASES: Array<{ name: string; x: Shape4; filter: Shape4; strides: number; pad: 'same' | 'valid' }> = [
  { name: '1×1, stride 1', x: [2, 5, 5, 12], filter: [1, 1, 12, 20], strides: 1, pad: 'same' },
  { name: '3×3, stride 2, same padding', x: [2, 9, 9, 4], filter: [3, 3, 4, 6], strides: 2, pad: 'same' },
  { name: '3×3, stride 1, valid padding', x: [1, 7, 6, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'valid' },
];

function filterGradient(c: (typeof CASES)[number]): Float32Array {
  return tf.tidy(() => {
    const x = tf.randomUniform(c.x, -1, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomUniform(c.filter, -1, 1, 'float32', 2) as tf.Tensor4D;
    const weights = tf.randomUniform([1], 0, 1, 'float32', 3);
    const grad = tf.grad((filter: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, filter as tf.Tensor4D, c.strides, c.pad), weights)));
    return grad(w).dataSync() as Float32Array;
  });
}

describe('installFastConvBackpropFilter', () => {
  it('gives the same filter gradients as the stock cpu kernel', () => {
    const stock = CASES.map(filterGradient);
    installFastConvBackpropFilter();
    installFastConvBackpropFilter(); // idempotent
    CASES.forEach((c, i) => {
      const fast = filterGradient(c);
      let maxDiff = 0;
      fast.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - stock[i]![j]!))));
      expect(fast.length, c.name).toBe(stock[i]!.length);
      expect(maxDiff, c.name).toBeLessThan(1e-4);
    });
  });
});
