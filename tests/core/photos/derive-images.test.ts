// deriveImages: one decode gives the model input, thumbnail and hash; the model input matches the one pixel pipeline.
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeUprightRgb } from '../../../src-main/core/photos/decode-image.js';
import { deriveImages } from '../../../src-main/core/photos/derive-images.js';
import { MODEL_INPUT_SIZE_PX, modelInputPath, thumbnailPath } from '../../../src-main/core/photos/derived-files.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';

const PHOTO = path.join(SHARED_DIR, 'datasets', 'alpaca', 'alpaca', '09915aad4cd6bf0d.jpg');

describe('deriveImages', () => {
  const dir = makeTempDir('derive-');
  const paths = { root: dir, thumbnails: path.join(dir, 'thumbnails'), modelInputs: path.join(dir, 'model-inputs') };

  it('writes a 224×224 RGB model input that matches decodeUprightRgb of the original to within rounding', async () => {
    await deriveImages(PHOTO, 'ab12', paths);
    const cached = await sharp(modelInputPath(paths, 'ab12')).raw().toBuffer({ resolveWithObject: true });
    expect(cached.info).toMatchObject({ width: MODEL_INPUT_SIZE_PX, height: MODEL_INPUT_SIZE_PX, channels: 3 });
    const direct = await decodeUprightRgb(PHOTO, { width: MODEL_INPUT_SIZE_PX, height: MODEL_INPUT_SIZE_PX, fit: 'fill' });
    let sum = 0;
    for (let i = 0; i < direct.data.length; i++) sum += Math.abs((cached.data[i] ?? 0) - (direct.data[i] ?? 0));
    // two resampling steps (working image, then 224) instead of one: measured mean difference ~1.3 levels
    expect(sum / direct.data.length).toBeLessThan(3);
  });

  it('returns the original dimensions and a 16-hex-digit perceptual hash, and a 256 px thumbnail', async () => {
    const facts = await deriveImages(PHOTO, 'cd34', paths);
    expect(facts).toMatchObject({ format: 'jpeg', width: 1024, height: 576, phash: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const thumb = await sharp(thumbnailPath(paths, 'cd34')).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 256, 144]);
  });
});
