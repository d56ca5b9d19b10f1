import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs';
import { loadBackbone } from '../../../../src-main/core/ml/backbone/backbone.js';
import { selectBackend, type Tf } from '../../../../src-main/core/ml/backbone/backend.js';
import { foldBackbone } from '../../../../src-main/core/ml/backbone/fold-batchnorm.js';
import { preprocessingSpec, preprocessPhoto, toBatchTensor } from '../../../../src-main/core/ml/features/preprocess.js';
import { alpacaPhotos, WEIGHTS_DIR } from '../embedding-fixtures.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

describe('foldBackbone', () => {
  for (const inputSize of [96, 160]) {
    it(`matches the layers model on real photos at ${inputSize} px`, async () => {
      const loaded = await loadBackbone(tf, { alpha: 0.35, inputSize, weightsDir: WEIGHTS_DIR });
      const fused = foldBackbone(tf, loaded.model, loaded.plan);
      const spec = preprocessingSpec(inputSize);
      const inputs = await Promise.all(alpacaPhotos(8).map((p) => preprocessPhoto({ kind: 'original', path: p }, spec)));
      const { mapDiff, embedDiff, spread } = tf.tidy(() => {
        const x = toBatchTensor(tf, inputs, spec);
        const reference = loaded.model.predict(x) as Tensor;
        const pooled = tf.mean(reference, [1, 2]);
        return {
          mapDiff: tf.max(tf.abs(tf.sub(fused.forward(x), reference))).dataSync()[0]!,
          embedDiff: tf.max(tf.abs(tf.sub(fused.embed(x), pooled))).dataSync()[0]!,
          spread: tf.moments(pooled).variance.dataSync()[0]!,
        };
      });
      expect(spread).toBeGreaterThan(0.01);
      expect(embedDiff).toBeLessThan(1e-4);
      // The out_relu map (values up to 6) differs by float32 rounding of the folded weights only.
      expect(mapDiff).toBeLessThan(5e-4);
      expect(fused.dims).toBe(1280);
      fused.dispose();
      loaded.model.dispose();
    });
  }

  it('refuses an input of the wrong size', async () => {
    const loaded = await loadBackbone(tf, { alpha: 0.35, inputSize: 96, weightsDir: WEIGHTS_DIR });
    const fused = foldBackbone(tf, loaded.model, loaded.plan);
    const x = tf.zeros([1, 128, 128, 3]) as never;
    expect(() => fused.forward(x)).toThrow('Backbone input: expected [n, 96, 96, 3], received [1, 128, 128, 3]');
    tf.dispose(x);
    fused.dispose();
    loaded.model.dispose();
  });
});
