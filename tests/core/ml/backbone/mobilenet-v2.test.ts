import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs';
import { selectBackend, type Tf } from '../../../../src-main/core/ml/backbone/backend.js';
import { fileModelHandler } from '../../../../src-main/core/ml/backbone/file-io-handler.js';
import {
  createMobileNetV2,
  makeDivisible,
  planMobileNetV2,
  setTrainableFromLayer,
} from '../../../../src-main/core/ml/backbone/mobilenet-v2.js';
import { preprocessingSpec, preprocessPhoto, toBatchTensor } from '../../../../src-main/core/ml/features/preprocess.js';
import { assignWeightsByName, readWeightsFolder } from '../../../../src-main/core/ml/backbone/weights.js';
import { SHARED_DIR } from '../../../helpers/shared-dir.js';

const WEIGHTS_DIR = path.join(SHARED_DIR, 'models/mobilenet_v2_0.35_imagenet_notop');
const SHARED_SHA256 = 'e159deb3afa15bc63a53edb3eb31d0d6de1a25f0d8d72d9b8372b5088a902a8a';
let tf: Tf;

beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

describe('makeDivisible', () => {
  it('rounds channel counts like Keras _make_divisible', () => {
    expect(makeDivisible(32 * 0.35, 8)).toBe(16);
    expect(makeDivisible(5, 8)).toBe(8);
    expect(makeDivisible(112, 8)).toBe(112);
    expect(makeDivisible(1280 * 1.4, 8)).toBe(1792);
    expect(makeDivisible(27, 8)).toBe(32);
    expect(makeDivisible(20, 16)).toBe(32); // 16 would be >10% below 20
  });
});

describe('createMobileNetV2', () => {
  it('has the Keras layer names and weight shapes of the saved 0.35 model', async () => {
    const saved = JSON.parse(fs.readFileSync(path.join(WEIGHTS_DIR, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: { name: string }[] } };
      weightsManifest: { weights: { name: string; shape: number[] }[] }[];
    };
    const model = createMobileNetV2(tf, { alpha: 0.35, inputSize: 224 });
    const savedNames = saved.modelTopology.config.layers.map((l) => l.name).filter((n) => n !== 'Conv1_pad');
    expect(model.layers.map((l) => l.name)).toEqual(savedNames);
    const shapes = new Map(model.weights.map((w) => [w.originalName, w.shape]));
    const savedWeights = saved.weightsManifest.flatMap((g) => g.weights);
    expect(shapes.size).toBe(savedWeights.length);
    for (const w of savedWeights) expect(shapes.get(w.name), w.name).toEqual(w.shape);
    expect(model.outputs[0]!.shape).toEqual([null, 7, 7, 1280]);
    model.dispose();
  });

  it('builds any alpha and allowed size, frozen by default', () => {
    const model = createMobileNetV2(tf, { alpha: 1.4, inputSize: 96 });
    expect(model.outputs[0]!.shape).toEqual([null, 3, 3, 1792]);
    expect(model.trainableWeights).toHaveLength(0);
    expect(model.getLayer('block_16_project').getWeights()[0]!.shape).toEqual([1, 1, 6 * 224, 448]);
    model.dispose();
  });

  it('checks its arguments first, saying what it expected and received', () => {
    for (const inputSize of [64, 100, 352, 160.5]) {
      expect(() => planMobileNetV2({ alpha: 0.35, inputSize })).toThrow(/expected a multiple of 32 from 96 to 320 px, received/);
    }
    expect(() => planMobileNetV2({ alpha: 0, inputSize: 160 })).toThrow(/alpha: expected a number in \(0, 2\], received 0/);
  });

  it('unfreezes exactly the last N layers for fine-tuning', () => {
    const model = createMobileNetV2(tf, { alpha: 0.35, inputSize: 96 });
    setTrainableFromLayer(model, 5);
    const trainable = model.layers.filter((l) => l.trainable).map((l) => l.name);
    expect(trainable).toEqual(['block_16_project', 'block_16_project_BN', 'Conv_1', 'Conv_1_bn', 'out_relu']);
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual([
      'block_16_project/kernel',
      'block_16_project_BN/gamma',
      'block_16_project_BN/beta',
      'Conv_1/kernel',
      'Conv_1_bn/gamma',
      'Conv_1_bn/beta',
    ]);
    expect(() => setTrainableFromLayer(model, 1000)).toThrow(/expected an integer from 0 to \d+, received 1000/);
    model.dispose();
  });
});

describe('weights', () => {
  it('loads the shared weights by name into a 160 px model and matches the saved 224 px model', async () => {
    const folder = await readWeightsFolder(WEIGHTS_DIR, { expectedSha256: SHARED_SHA256 });
    expect(folder.weights.size).toBe(260);
    const ours = createMobileNetV2(tf, { alpha: 0.35, inputSize: 224 });
    assignWeightsByName(tf, ours, folder);
    const saved = await tf.loadLayersModel(fileModelHandler(WEIGHTS_DIR));
    const spec = preprocessingSpec(224);
    const input = await preprocessPhoto({ kind: 'original', path: path.join(SHARED_DIR, 'photos/imagenet/chelsea.png') }, spec);
    const [diff, mean] = tf.tidy(() => {
      const x = toBatchTensor(tf, [input], spec);
      const a = ours.predict(x) as Tensor;
      const b = saved.predict(x) as Tensor;
      return [tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!, tf.mean(b).dataSync()[0]!];
    });
    expect(mean).toBeGreaterThan(0.01);
    expect(diff).toBeLessThan(1e-5);
    const small = createMobileNetV2(tf, { alpha: 0.35, inputSize: 160 });
    assignWeightsByName(tf, small, folder);
    expect(small.getLayer('Conv_1').getWeights()[0]!.dataSync()).toEqual(ours.getLayer('Conv_1').getWeights()[0]!.dataSync());
    for (const m of [ours, saved, small]) m.dispose();
  });

  it('names a missing or misshaped tensor and a wrong checksum', async () => {
    const folder = await readWeightsFolder(WEIGHTS_DIR);
    const model = createMobileNetV2(tf, { alpha: 0.35, inputSize: 96 });
    const withoutOne = new Map(folder.weights);
    withoutOne.delete('block_5_expand_BN/moving_mean');
    expect(() => assignWeightsByName(tf, model, { dir: WEIGHTS_DIR, weights: withoutOne })).toThrow(
      /expected tensor block_5_expand_BN\/moving_mean \[96\], received none/,
    );
    const wide = createMobileNetV2(tf, { alpha: 0.5, inputSize: 96 });
    const error = (() => {
      try {
        assignWeightsByName(tf, wide, folder);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    const match = /tensor (\S+) expected shape \[([\d, ]+)\], received \[([\d, ]+)\]/.exec(error?.message ?? '');
    expect(match, error?.message).not.toBeNull();
    expect(match![2]).not.toBe(match![3]);
    await expect(readWeightsFolder(WEIGHTS_DIR, { expectedSha256: '0'.repeat(64) })).rejects.toThrow(
      `expected sha256 ${'0'.repeat(64)}, received ${SHARED_SHA256}`,
    );
    model.dispose();
    wide.dispose();
  });
});
