import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAlphaMatches, readWeightsAlpha } from '../../../../src-main/core/ml/backbone/weights.js';
import { SHARED_DIR } from '../../../helpers/shared-dir.js';

const MODELS = path.join(SHARED_DIR, 'models');

describe('readWeightsAlpha', () => {
  it('reads the width from the tensor shapes of each shared MobileNetV2 folder', async () => {
    expect(await readWeightsAlpha(path.join(MODELS, 'mobilenet_v2_0.35_imagenet_notop'))).toBe(0.35);
    expect(await readWeightsAlpha(path.join(MODELS, 'mobilenet_v2_1.0_imagenet_notop'))).toBe(1);
    expect(await readWeightsAlpha(path.join(MODELS, 'mobilenet_v2_1.0_imagenet_with_top'))).toBe(1);
  });

  it('refuses other MobileNet versions and a requested alpha the weights do not have', async () => {
    await expect(readWeightsAlpha(path.join(MODELS, 'mobilenet_v1_0.25_imagenet'))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('not MobileNetV2 weights'),
    });
    expect(() => checkAlphaMatches('/w', 0.35, 1, 'The settings ask for')).toThrow(
      'The settings ask for alpha 1, but the weights in /w are alpha 0.35 (tensor Conv1/kernel has 16 output channels, alpha 1 needs 32)',
    );
    expect(() => checkAlphaMatches('/w', 0.35, 0.35, 'x')).not.toThrow();
  });
});
