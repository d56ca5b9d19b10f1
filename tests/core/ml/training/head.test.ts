import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJobContext } from '../../../../src-main/core/jobs/job-context.js';
import { buildHead, predictHead, trainHead, type EpochMetrics, type HeadTrainingOptions } from '../../../../src-main/core/ml/training/head.js';
import { syntheticFeatures } from '../../../helpers/synthetic-features.js';

const DIM = 64;
const OPTIONS: HeadTrainingOptions = { epochs: 8, batchSize: 16, learningRate: 1e-2, classWeight: 'balanced', dropout: 0.2, seed: 5 };

function dataset(numClasses: number, perClass: number, seed: number, views = 1) {
  const labels = Int32Array.from({ length: numClasses * perClass }, (_, i) => i % numClasses);
  return { features: syntheticFeatures({ labels: Array.from(labels), dim: DIM, numClasses, separation: 3, views, seed }), labels };
}

async function train(numClasses: number, options: HeadTrainingOptions = OPTIONS, views = 1) {
  const model = buildHead({ inputDim: DIM, numClasses, hiddenUnits: [], dropout: options.dropout, seed: options.seed });
  const all = dataset(numClasses, 40, 11, views);
  // the first 30 rows per class train, the last 10 validate (same clusters: the seed fixes the centers)
  const cut = numClasses * 30;
  const slice = (from: number, to: number) => ({
    features: { dim: DIM, count: to - from, views: all.features.views.map((v) => v.slice(from * DIM, to * DIM)) },
    labels: all.labels.slice(from, to),
  });
  const history = await trainHead({ model, train: slice(0, cut), validation: slice(cut, numClasses * 40), options, ctx: createJobContext({}) });
  return { model, history, validation: slice(cut, numClasses * 40) };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('trainHead', () => {
  it('learns two separable classes with a sigmoid output', async () => {
    const { model, history, validation } = await train(2);
    expect(model.outputs[0]!.shape).toEqual([null, 1]);
    expect(history).toHaveLength(8);
    expect(history.at(-1)!.valAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss);
    const probabilities = predictHead(model, validation.features);
    expect(probabilities).toHaveLength(validation.features.count * 2);
    expect(probabilities[0]! + probabilities[1]!).toBeCloseTo(1, 6);
    model.dispose();
  });

  it('learns four classes with a softmax output and a hidden layer', async () => {
    const model = buildHead({ inputDim: DIM, numClasses: 4, hiddenUnits: [32], dropout: 0.2, seed: 1 });
    expect(model.layers.map((l) => l.name)).toEqual(['head_dropout', 'head_dense_1', 'head_predictions']);
    model.dispose();
    const { history, model: trained } = await train(4);
    expect(history.at(-1)!.valAccuracy).toBeGreaterThanOrEqual(0.9);
    trained.dispose();
  });

  it('repeats the same losses for the same seed, including sampled augmentation views', async () => {
    const a = await train(2, OPTIONS, 3);
    const b = await train(2, OPTIONS, 3);
    const c = await train(2, { ...OPTIONS, seed: 6 }, 3);
    expect(b.history).toEqual(a.history);
    expect(c.history.map((e) => e.loss)).not.toEqual(a.history.map((e) => e.loss));
    for (const r of [a, b, c]) r.model.dispose();
  });

  it('keeps the tensor count flat across epochs and repeated train/predict', async () => {
    const { model: warm } = await train(2);
    warm.dispose();
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const model = buildHead({ inputDim: DIM, numClasses: 2, hiddenUnits: [8], dropout: 0.2, seed: 1 });
    const data = dataset(2, 20, 3);
    const afterBuild = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) {
      await trainHead({
        model,
        train: data,
        validation: data,
        options: { ...OPTIONS, epochs: 3 },
        ctx: createJobContext({}),
        onEpoch: () => {
          counts.push(tf.memory().numTensors);
        },
      });
      predictHead(model, data.features);
      expect(tf.memory().numTensors).toBe(afterBuild);
    }
    // within one training call, the optimizer's moment variables exist from the first batch on
    expect(new Set(counts).size).toBe(1);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops with CANCELLED when the signal aborts mid-training and reports only whole epochs', async () => {
    const controller = new AbortController();
    const seen: EpochMetrics[] = [];
    const model = buildHead({ inputDim: DIM, numClasses: 2, hiddenUnits: [], dropout: 0.2, seed: 1 });
    const data = dataset(2, 100, 3);
    const before = tf.memory().numTensors;
    const run = trainHead({
      model,
      train: data,
      options: { ...OPTIONS, epochs: 50, batchSize: 4 },
      ctx: createJobContext({ signal: controller.signal }),
      onEpoch: (m) => {
        seen.push(m);
        if (m.epoch === 2) setImmediate(() => controller.abort());
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen.map((m) => m.epoch)).toEqual([1, 2]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
