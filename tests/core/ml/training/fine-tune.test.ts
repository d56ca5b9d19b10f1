import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMobileNetV2 } from '../../../../src-main/core/ml/backbone/mobilenet-v2.js';
import { splitBackbone } from '../../../../src-main/core/ml/training/fine-tune-graph.js';
import { fineTune, serializeWeights } from '../../../../src-main/core/ml/training/fine-tune.js';
import { buildHead, type EpochMetrics } from '../../../../src-main/core/ml/training/head.js';
import type { ImageSource } from '../../../../src-main/core/ml/features/preprocess.js';
import { SHARED_DIR } from '../../../helpers/shared-dir.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import fs from 'node:fs';

const WEIGHTS_DIR = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');
const ALPACA = path.join(SHARED_DIR, 'datasets', 'alpaca');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('splitBackbone', () => {
  it('gives prefix → suffix the same pooled output as the whole backbone, across a residual connection', () => {
    const model = createMobileNetV2(tf, { alpha: 0.35, inputSize: 96 });
    // the last 20 layers start at block_15_expand; block_15_add also takes block_14_add from before the cut
    const split = splitBackbone(tf, model, 20);
    expect(split.cutShapes).toEqual([[3, 3, 56]]);
    expect(split.trainableLayers[0]!.name).toBe('block_15_expand');
    const x = tf.randomUniform([2, 96, 96, 3], -1, 1, 'float32', 3);
    const whole = tf.mean(model.predict(x) as tf.Tensor, [1, 2]);
    const parts = split.suffix.predict(split.prefix.predict(x) as tf.Tensor) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(whole, parts))).dataSync()[0]).toBeLessThan(1e-5);
  });
});

describe('fineTune', () => {
  it('trains the last backbone layers with the head, reports every epoch and saves an image classifier', async () => {
    const pick = (folder: string) => fs.readdirSync(path.join(ALPACA, folder)).sort().slice(0, 6).map((f) => path.join(ALPACA, folder, f));
    const files = [...pick('alpaca'), ...pick('not_alpaca')];
    const sources: ImageSource[] = files.map((p) => ({ kind: 'original', path: p }));
    const labels = Int32Array.from(files, (_, i) => (i < 6 ? 0 : 1));
    const spec = { inputDim: 1280, numClasses: 2, hiddenUnits: [], dropout: 0.2, seed: 1 };
    const head = buildHead(spec);
    const weights = serializeWeights(head);
    head.dispose();
    const classifierDir = path.join(makeTempDir('fine-tune-'), 'classifier');
    const seen: EpochMetrics[] = [];
    const before = tf.memory().numTensors;
    const outcome = await fineTune(
      {
        backbone: { alpha: 0.35, inputSize: 96, weightsDir: WEIGHTS_DIR },
        lastN: 11,
        head: { spec, weights },
        sources,
        labels,
        trainRows: Int32Array.from([0, 1, 2, 3, 6, 7, 8, 9]),
        valRows: Int32Array.from([4, 5, 10, 11]),
        options: { epochs: 2, batchSize: 4, learningRate: 1e-4, classWeight: 'balanced', dropout: 0.2, seed: 1 },
        classifierDir,
      },
      { onEpoch: (m) => seen.push(m) },
    );
    expect(seen.map((m) => m.epoch)).toEqual([1, 2]);
    expect(seen.every((m) => Number.isFinite(m.loss) && m.valAccuracy !== null)).toBe(true);
    expect(outcome.probabilities).toHaveLength(12 * 2);
    expect(fs.readdirSync(classifierDir).sort()).toEqual(['model.json', 'weights.bin']);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('fineTune with k-fold folds', () => {
  it('starts every fold from the loaded backbone weights: a fold identical to the main job predicts exactly as it does', async () => {
    const pick = (folder: string) => fs.readdirSync(path.join(ALPACA, folder)).sort().slice(0, 3).map((f) => path.join(ALPACA, folder, f));
    const files = [...pick('alpaca'), ...pick('not_alpaca')];
    const spec = { inputDim: 1280, numClasses: 2, hiddenUnits: [], dropout: 0.2, seed: 1 };
    const head = buildHead(spec);
    const weights = serializeWeights(head);
    head.dispose();
    const job = {
      head: { spec, weights },
      trainRows: Int32Array.from([0, 1, 3, 4]),
      valRows: Int32Array.from([2, 5]),
      options: { epochs: 2, batchSize: 2, learningRate: 1e-3, classWeight: 'balanced' as const, dropout: 0.2, seed: 1 },
    };
    const folds: number[] = [];
    const outcome = await fineTune(
      {
        backbone: { alpha: 0.35, inputSize: 96, weightsDir: WEIGHTS_DIR },
        lastN: 5,
        sources: files.map((p): ImageSource => ({ kind: 'original', path: p })),
        labels: Int32Array.from(files, (_, i) => (i < 3 ? 0 : 1)),
        classifierDir: null,
        ...job,
        folds: [job, job],
      },
      { onEpoch: (_, fold) => folds.push(fold ?? -1) },
    );
    expect(folds).toEqual([0, 0, 1, 1, -1, -1]);
    expect(outcome.foldProbabilities).toHaveLength(2);
    // each job started from the same weights (without the reset, the main job would continue from fold 1's)
    expect(Array.from(outcome.foldProbabilities[0]!)).toEqual(Array.from(outcome.probabilities));
    expect(Array.from(outcome.foldProbabilities[1]!)).toEqual(Array.from(outcome.probabilities));
  });
});

describe('fineTuneInWorker', () => {
  const files = ['alpaca', 'not_alpaca'].flatMap((folder) =>
    fs.readdirSync(path.join(ALPACA, folder)).sort().slice(0, 3).map((f) => path.join(ALPACA, folder, f)),
  );
  const spec = { inputDim: 1280, numClasses: 2, hiddenUnits: [], dropout: 0.2, seed: 1 };
  function request(classifierDir: string, epochs: number) {
    const head = buildHead(spec);
    const weights = serializeWeights(head);
    head.dispose();
    return {
      backbone: { alpha: 0.35, inputSize: 96, weightsDir: WEIGHTS_DIR },
      lastN: 5,
      head: { spec, weights },
      sources: files.map((p): ImageSource => ({ kind: 'original', path: p })),
      labels: Int32Array.from(files, (_, i) => (i < 3 ? 0 : 1)),
      trainRows: Int32Array.from([0, 1, 3, 4]),
      valRows: Int32Array.from([2, 5]),
      options: { epochs, batchSize: 2, learningRate: 1e-4, classWeight: 'balanced' as const, dropout: 0.2, seed: 1 },
      classifierDir,
    };
  }

  it('fine-tunes off the calling thread (wasm prefix, cpu gradients) and streams epochs', async () => {
    const { fineTuneInWorker } = await import('../../../../src-main/core/ml/training/fine-tune-client.js');
    const { createJobContext } = await import('../../../../src-main/core/jobs/job-context.js');
    const dir = path.join(makeTempDir('fine-tune-worker-'), 'classifier');
    const epochs: number[] = [];
    const { probabilities } = await fineTuneInWorker(request(dir, 2), { prefix: 'wasm', training: 'cpu' }, createJobContext({}), (m) => epochs.push(m.epoch));
    expect(epochs).toEqual([1, 2]);
    expect(probabilities).toHaveLength(12);
    expect(fs.existsSync(path.join(dir, 'model.json'))).toBe(true);
  });

  it('says which kernels are missing when the training backend cannot compute the gradients', async () => {
    const { fineTuneInWorker } = await import('../../../../src-main/core/ml/training/fine-tune-client.js');
    const { createJobContext } = await import('../../../../src-main/core/jobs/job-context.js');
    const dir = path.join(makeTempDir('fine-tune-worker-'), 'classifier');
    const run = fineTuneInWorker(request(dir, 1), { prefix: 'wasm', training: 'wasm' }, createJobContext({}), () => {});
    await expect(run).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/BackpropFilter.*backend wasm/) });
  });

  it('stops at once with CANCELLED when the job is cancelled', async () => {
    const { fineTuneInWorker } = await import('../../../../src-main/core/ml/training/fine-tune-client.js');
    const { createJobContext } = await import('../../../../src-main/core/jobs/job-context.js');
    const controller = new AbortController();
    const dir = path.join(makeTempDir('fine-tune-worker-'), 'classifier');
    const run = fineTuneInWorker(request(dir, 50), { prefix: 'wasm', training: 'cpu' }, createJobContext({ signal: controller.signal }), (m) => {
      if (m.epoch === 1) controller.abort();
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(fs.existsSync(path.join(dir, 'model.json'))).toBe(false);
  });
});
