// Parity of the ONNX graph built from the weights folder (run in ONNX Runtime) with the tfjs layers model, with a
// negative control, and the ImageNet check of the _with_top weights through the ONNX path.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackbone } from '../../../../../src-main/core/ml/backbone/backbone.js';
import { selectBackend, type Tf } from '../../../../../src-main/core/ml/backbone/backend.js';
import { foldBackbone } from '../../../../../src-main/core/ml/backbone/fold-batchnorm.js';
import { buildMobileNetV2Onnx, type MobileNetV2OnnxOptions } from '../../../../../src-main/core/ml/features/onnx/mobilenet-v2-onnx.js';
import { createOrtSession } from '../../../../../src-main/core/ml/features/onnx/onnx-runtime.js';
import { preprocessPhoto, preprocessingSpec, toBatchTensor } from '../../../../../src-main/core/ml/features/preprocess.js';
import { readWeightsFolder } from '../../../../../src-main/core/ml/backbone/weights.js';
import { SHARED_DIR } from '../../../../helpers/shared-dir.js';
import { alpacaPhotos } from '../../embedding-fixtures.js';

const MODELS = path.join(SHARED_DIR, 'models');
const WEIGHTS: Record<string, string> = {
  '0.35': path.join(MODELS, 'mobilenet_v2_0.35_imagenet_notop'),
  '1.0': path.join(MODELS, 'mobilenet_v2_1.0_imagenet_notop'),
};
const PARITY_TOLERANCE = 1e-4;

let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

/** Pooled features of 8 real photos from the tfjs layers model and from ONNX Runtime; their max abs difference. */
async function compare(alpha: '0.35' | '1.0', inputSize: number, options: MobileNetV2OnnxOptions = {}): Promise<{ diff: number; spread: number }> {
  const loaded = await loadBackbone(tf, { alpha: Number(alpha), inputSize, weightsDir: WEIGHTS[alpha]! });
  const fused = foldBackbone(tf, loaded.model, loaded.plan);
  const session = await createOrtSession(ort, buildMobileNetV2Onnx(loaded.plan, fused.folded, options));
  fused.dispose();
  const spec = preprocessingSpec(inputSize);
  const inputs = await Promise.all(alpacaPhotos(8).map((p) => preprocessPhoto({ kind: 'original', path: p }, spec)));
  const x = toBatchTensor(tf, inputs, spec);
  const { reference, spread } = tf.tidy(() => {
    const pooled = tf.mean(loaded.model.predict(x) as Tensor, [1, 2]);
    return { reference: pooled.dataSync() as Float32Array, spread: tf.moments(pooled).variance.dataSync()[0]! };
  });
  const result = await session.run({ image: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) });
  x.dispose();
  loaded.model.dispose();
  await session.release();
  const features = result.features!.data as Float32Array;
  expect(features.length).toBe(reference.length);
  let diff = 0;
  for (let i = 0; i < features.length; i++) diff = Math.max(diff, Math.abs(features[i]! - reference[i]!));
  return { diff, spread };
}

describe('the backbone as an ONNX graph in ONNX Runtime', () => {
  for (const alpha of ['0.35', '1.0'] as const) {
    for (const inputSize of [160, 224]) {
      it(`gives the tfjs layers model's pooled features within 1e-4 on 8 real photos (alpha ${alpha}, ${inputSize} px)`, async () => {
        const { diff, spread } = await compare(alpha, inputSize);
        expect(spread).toBeGreaterThan(0.01);
        expect(diff).toBeLessThanOrEqual(PARITY_TOLERANCE);
      });
    }
  }

  it('fails the same comparison when strided convolutions are padded symmetrically instead of as Keras does', async () => {
    const { diff } = await compare('0.35', 224, { stridedPadding: 'symmetric' });
    expect(diff).toBeGreaterThan(100 * PARITY_TOLERANCE);
  });

  it('classifies chelsea as a cat (ImageNet 281–285) and coffee as espresso (967) with the _with_top weights', async () => {
    const dir = path.join(MODELS, 'mobilenet_v2_1.0_imagenet_with_top');
    const loaded = await loadBackbone(tf, { alpha: 1, inputSize: 224, weightsDir: dir });
    const fused = foldBackbone(tf, loaded.model, loaded.plan);
    const folder = await readWeightsFolder(dir);
    const kernel = folder.weights.get('predictions/kernel')!;
    const bias = folder.weights.get('predictions/bias')!;
    const bytes = buildMobileNetV2Onnx(loaded.plan, fused.folded, {
      head: [{ name: 'predictions', kernel: kernel.data, bias: bias.data, inUnits: kernel.shape[0]!, units: kernel.shape[1]!, activation: 'softmax' }],
    });
    fused.dispose();
    loaded.model.dispose();
    const session = await createOrtSession(ort, bytes);
    const spec = preprocessingSpec(224);
    const photos = ['chelsea.png', 'coffee.png'].map((f) => path.join(SHARED_DIR, 'photos/imagenet', f));
    const inputs = await Promise.all(photos.map((p) => preprocessPhoto({ kind: 'original', path: p }, spec)));
    const pixels = new Float32Array(inputs.length * inputs[0]!.length);
    inputs.forEach((input, i) => pixels.set(input, i * input.length));
    const result = await session.run({ image: new ort.Tensor('float32', pixels, [2, 224, 224, 3]) });
    await session.release();
    const probabilities = result.probabilities!.data as Float32Array;
    const top = [0, 1].map((row) => {
      const values = Array.from(probabilities.subarray(row * 1000, (row + 1) * 1000));
      return values.indexOf(Math.max(...values));
    });
    expect(top[0]).toBeGreaterThanOrEqual(281);
    expect(top[0]).toBeLessThanOrEqual(285);
    expect(top[1]).toBe(967);
  });
});
