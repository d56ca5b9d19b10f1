// Outlier scores from features: k-NN distance to labeled photos relative to the class's usual spread.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nearestLabeled, outlierScores } from '../../../../src-main/core/ml/runs/outlier-scores.js';
import { syntheticFeatures } from '../../../helpers/synthetic-features.js';

const DIM = 32;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 2 Gaussian classes of 20, then extra rows appended. */
function dataset(extra: Array<{ row: Float32Array; label: number }>) {
  const base = syntheticFeatures({ labels: [...Array(20).fill(0), ...Array(20).fill(1)], dim: DIM, numClasses: 2, separation: 4, seed: 3 });
  const features = new Float32Array((40 + extra.length) * DIM);
  features.set(base.views[0]!);
  extra.forEach((e, i) => features.set(e.row, (40 + i) * DIM));
  const labels = Int32Array.from([...Array(20).fill(0), ...Array(20).fill(1), ...extra.map((e) => e.label)]);
  return { features, dim: DIM, labels, numClasses: 2 };
}

/** A direction no class uses: all weight on one feature. */
const spike = (d: number) => Float32Array.from({ length: DIM }, (_, i) => (i === d ? 50 : 0));

describe('outlierScores', () => {
  it('scores a labeled photo unlike any class highest, about 1 for typical photos', async () => {
    const scores = await outlierScores(dataset([{ row: spike(0), label: 0 }]));
    const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
    expect(order[0]).toBe(40);
    const typical = [...scores.slice(0, 40)].sort((a, b) => a - b);
    expect(typical[20]).toBeGreaterThan(0.8);
    expect(typical[20]).toBeLessThan(1.2);
    expect(scores[40]).toBeGreaterThan(typical[39]! * 1.5);
  });

  it('never counts a photo as its own neighbour, so a labeled photo does not look typical because it is labeled', async () => {
    const input = dataset([{ row: spike(0), label: 0 }]);
    const { distance } = await nearestLabeled({ ...input, k: 1 });
    for (const d of distance) expect(d).toBeGreaterThan(0);
  });

  it('scores unlabeled photos against the labeled ones, in the class of their neighbours', async () => {
    const input = dataset([{ row: spike(5), label: -1 }]);
    const { neighbourClass } = await nearestLabeled(input);
    expect(neighbourClass[40]).toBeGreaterThanOrEqual(0);
    const scores = await outlierScores(input);
    expect(Math.max(...scores)).toBe(scores[40]);
  });

  it('gives no score without at least two labeled photos', async () => {
    const scores = await outlierScores({ features: new Float32Array(3 * DIM).fill(1), dim: DIM, labels: Int32Array.from([0, -1, -1]), numClasses: 2 });
    expect([...scores].every((s) => Number.isNaN(s))).toBe(true);
  });
});
