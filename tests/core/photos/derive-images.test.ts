// deriveImages: one decode gives the model input, thumbnail and hash; the model input matches the one pixel pipeline.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeWorkingImage, deriveImages, jpegShrinkFor } from '../../../src-main/core/photos/derive-images.js';
import { MODEL_INPUT_SHORT_SIDE_PX, modelInputPath, thumbnailPath } from '../../../src-main/core/photos/derived-files.js';
import { preprocessingSpec, preprocessPhoto } from '../../../src-main/core/ml/features/preprocess.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';

const PHOTO = path.join(SHARED_DIR, 'datasets', 'alpaca', 'alpaca', '09915aad4cd6bf0d.jpg');
/** 1024×768 JPEGs: one embeds the standard sRGB IEC61966-2.1 profile, one a camera profile */
const SRGB_768 = path.join(SHARED_DIR, 'datasets', 'alpaca', 'alpaca', '320a5e2a64c75f30.jpg');
const CAMERA_RGB_768 = path.join(SHARED_DIR, 'datasets', 'alpaca', 'alpaca', '053608552d63f724.jpg');

/** The working image as libvips makes it from an explicit load scale and profile choice. */
async function workingVia(file: string, shrink: number, ignoreIcc: boolean): Promise<Buffer> {
  return sharp(`${file}[shrink=${shrink}]`, { ignoreIcc }).rotate().toColourspace('srgb').removeAlpha().resize(329, 329, { fit: 'outside', kernel: 'linear' }).raw().toBuffer();
}

describe('the working image decode (preprocessing v4)', () => {
  it('picks the largest libjpeg scale whose output still covers the 329 px short side', () => {
    expect([768, 683, 657, 656, 576, 1316, 2625, 2624, 3024, 6000].map(jpegShrinkFor)).toEqual([2, 2, 2, 1, 1, 4, 8, 4, 8, 8]);
  });

  it('decodes a 1024×768 JPEG at ½ scale, where sharp alone would decode it at full size', async () => {
    const image = await decodeWorkingImage(SRGB_768);
    expect([image.width, image.height]).toEqual([439, 329]);
    expect(image.data.equals(await workingVia(SRGB_768, 2, true))).toBe(true);
    expect(image.data.equals(await workingVia(SRGB_768, 1, true))).toBe(false);
  });

  it('takes an embedded standard sRGB profile as is and converts any other profile to sRGB', async () => {
    expect((await decodeWorkingImage(SRGB_768)).data.equals(await workingVia(SRGB_768, 2, true))).toBe(true);
    const camera = (await decodeWorkingImage(CAMERA_RGB_768)).data;
    expect(camera.equals(await workingVia(CAMERA_RGB_768, 2, false))).toBe(true);
    expect(camera.equals(await workingVia(CAMERA_RGB_768, 2, true))).toBe(false);
  });

  it('decodes the bytes import read and a path with brackets in its name to the same pixels', async () => {
    const dir = makeTempDir('derive-brackets-');
    const odd = path.join(dir, 'hike [2].jpg');
    fs.copyFileSync(SRGB_768, odd);
    const paths = { root: dir, thumbnails: path.join(dir, 'thumbnails'), modelInputs: path.join(dir, 'model-inputs') };
    await deriveImages({ path: odd, bytes: fs.readFileSync(odd) }, 'aa01', paths);
    await deriveImages(SRGB_768, 'aa02', paths);
    expect(fs.readFileSync(modelInputPath(paths, 'aa01')).equals(fs.readFileSync(modelInputPath(paths, 'aa02')))).toBe(true);
  });
});

describe('deriveImages', () => {
  const dir = makeTempDir('derive-');
  const paths = { root: dir, thumbnails: path.join(dir, 'thumbnails'), modelInputs: path.join(dir, 'model-inputs') };

  it('writes a JPEG model input, short side 329 px with the aspect kept, within JPEG error of the working image it encodes', async () => {
    await deriveImages(PHOTO, 'ab12', paths);
    const cached = await sharp(modelInputPath(paths, 'ab12')).raw().toBuffer({ resolveWithObject: true });
    // 1024×576 → 585×329
    expect(cached.info).toMatchObject({ width: 585, height: MODEL_INPUT_SHORT_SIDE_PX, channels: 3 });
    const direct = await decodeWorkingImage(PHOTO);
    let sum = 0;
    for (let i = 0; i < direct.data.length; i++) sum += Math.abs((cached.data[i] ?? 0) - (direct.data[i] ?? 0));
    // JPEG quality 90 without chroma subsampling: measured mean difference 2.2 levels of 255 on this noisy photo
    expect(sum / direct.data.length).toBeLessThan(3);
    expect(sum / direct.data.length).toBeGreaterThan(0); // it is lossy: the tolerance above is what the test is about
  });

  it('keeps a small original small in its thumbnail although its model input is enlarged', async () => {
    const small = path.join(dir, 'small.png');
    await sharp({ create: { width: 120, height: 90, channels: 3, background: '#808080' } })
      .composite([{ input: { create: { width: 60, height: 45, channels: 3, background: '#ff0000' } }, left: 0, top: 0 }])
      .png()
      .toFile(small);
    await deriveImages(small, 'ef56', paths);
    const thumb = await sharp(thumbnailPath(paths, 'ef56')).metadata();
    const cached = await sharp(modelInputPath(paths, 'ef56')).metadata();
    expect([thumb.width, thumb.height]).toEqual([120, 90]);
    expect([cached.width, cached.height]).toEqual([439, MODEL_INPUT_SHORT_SIDE_PX]);
  });

  it('stops a long strip at 4096 px instead of enlarging it to a 329 px short side, and still cuts the default crop from it', async () => {
    const strip = path.join(dir, 'strip.png');
    await sharp({ create: { width: 4000, height: 100, channels: 3, background: '#336699' } }).png().toFile(strip);
    await deriveImages(strip, 'ab90', paths);
    const cached = await sharp(modelInputPath(paths, 'ab90')).metadata();
    expect([cached.width, cached.height]).toEqual([4096, 102]);
    const spec = preprocessingSpec(288, 'center-crop');
    const input = await preprocessPhoto({ kind: 'model-input', path: modelInputPath(paths, 'ab90') }, spec);
    expect(input.length).toBe(288 * 288 * 3);
  });

  it('returns the original dimensions and a 16-hex-digit perceptual hash, and a 256 px thumbnail', async () => {
    const facts = await deriveImages(PHOTO, 'cd34', paths);
    expect(facts).toMatchObject({ format: 'jpeg', width: 1024, height: 576, phash: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const thumb = await sharp(thumbnailPath(paths, 'cd34')).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 256, 144]);
  });
});
