import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { libraryPaths } from '../../../../src-main/core/library/library.js';
import { selectBackend, type Tf } from '../../../../src-main/core/ml/backbone/backend.js';
import { fileModelHandler } from '../../../../src-main/core/ml/backbone/file-io-handler.js';
import { imageSourceFor, modelInputToArray, preprocessingKey, preprocessingSpec, preprocessPhoto, readModelInput, toBatchTensor } from '../../../../src-main/core/ml/features/preprocess.js';
import { deriveImages } from '../../../../src-main/core/photos/derive-images.js';
import { modelInputPath } from '../../../../src-main/core/photos/derived-files.js';
import { SHARED_DIR } from '../../../helpers/shared-dir.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import type { Tensor } from '@tensorflow/tfjs';

const PHOTOS = [
  'bad-inputs/rot6.jpg',
  'bad-inputs/cmyk.jpg',
  'bad-inputs/grayscale_1ch.jpg',
  'datasets/alpaca/alpaca/09915aad4cd6bf0d.jpg',
  // 1024×768, decoded at ½ by libjpeg: a standard sRGB profile (kept as is) and a camera profile (converted)
  'datasets/alpaca/alpaca/320a5e2a64c75f30.jpg',
  'datasets/alpaca/alpaca/053608552d63f724.jpg',
  'photos/imagenet/chelsea.png',
].map((p) => path.join(SHARED_DIR, p));

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('preprocessPhoto', () => {
  it('describes the chain it runs: the cached working image on disk, the model size and the scale', async () => {
    const spec = preprocessingSpec(160, 'fill');
    const paths = libraryPaths(makeTempDir());
    await deriveImages(PHOTOS[3]!, 'spec', paths);
    const cached = await sharp(modelInputPath(paths, 'spec')).metadata();
    // the alpaca photo is 1024×576: short side to the cache's, aspect kept
    expect([cached.format, cached.height, cached.width]).toEqual(['jpeg', spec.cache.shortSidePx, Math.round((spec.cache.shortSidePx * 1024) / 576)]);
    const source = { kind: 'model-input', path: modelInputPath(paths, 'spec') } as const;
    const input = await preprocessPhoto(source, spec);
    expect(input.length).toBe(spec.resize.sizePx * spec.resize.sizePx * 3);
    const raw = await readModelInput(source, spec);
    for (const i of [0, 1, 2, 1000, raw.data.length - 1]) expect(input[i]).toBeCloseTo(raw.data[i]! / spec.scale.divide - spec.scale.subtract, 6);
    expect(() => preprocessingSpec(150)).toThrow(/received 150/);
  });

  it('gives at the model size exactly what the bilinear resize of a view gives, without resizing, the mirror image too', async () => {
    const spec = preprocessingSpec(224, 'fill');
    const image = await readModelInput({ kind: 'original', path: PHOTOS[3]! }, spec);
    const direct = modelInputToArray(image, spec);
    // 'flip|flip' is the original through the general path (view, then bilinear resize at scale 1)
    const general = modelInputToArray(image, spec, 'flip|flip');
    expect(direct.length).toBe(224 * 224 * 3);
    expect(Array.from(direct)).toEqual(Array.from(general));
    // the mirror view is the same mirror image however the flips are composed
    const mirrored = modelInputToArray(image, spec, 'flip');
    expect(Array.from(mirrored)).toEqual(Array.from(modelInputToArray(image, spec, 'flip|flip|flip')));
    expect(Array.from(mirrored)).not.toEqual(Array.from(direct));
    expect(direct.reduce((a, b) => Math.min(a, b), 0)).toBeGreaterThanOrEqual(-1);
    expect(direct.reduce((a, b) => Math.max(a, b), 0)).toBeLessThanOrEqual(1);
  });

  it('records the whole chain in its spec', () => {
    expect(preprocessingSpec(160, 'fill')).toEqual({
      version: 4,
      decode: 'upright-srgb',
      geometry: { mode: 'fill' },
      cache: { shortSidePx: 329, kernel: 'linear', encoding: 'jpeg', quality: 90, chromaSubsampling: '4:4:4' },
      resize: { sizePx: 160, method: 'bilinear' },
      scale: { divide: 127.5, subtract: 1 },
      layout: 'NHWC-RGB',
    });
    expect(preprocessingSpec(288).geometry).toEqual({ mode: 'center-crop', cropFraction: 0.875 });
    expect(() => preprocessingSpec(150)).toThrow(/received 150/);
  });

  it('keeps only the centre of a wide photo with center-crop, and the whole frame with fill', async () => {
    // 600×200: red | green | blue bands of 200 px each
    const width = 600;
    const pixels = Buffer.alloc(width * 200 * 3);
    for (let y = 0; y < 200; y++) for (let x = 0; x < width; x++) pixels[(y * width + x) * 3 + Math.floor(x / 200)] = 255;
    const file = path.join(makeTempDir(), 'bands.png');
    await sharp(pixels, { raw: { width, height: 200, channels: 3 } }).png().toFile(file);
    const channelMeans = (input: Float32Array) => [0, 1, 2].map((c) => input.filter((_, i) => i % 3 === c).reduce((a, v) => a + v, 0) / (input.length / 3));
    for (const size of [224, 288]) {
      const crop = channelMeans(await preprocessPhoto({ kind: 'original', path: file }, preprocessingSpec(size, 'center-crop')));
      expect(crop[1], `green @${size}`).toBeGreaterThan(0.99);
      expect(crop[0]).toBeLessThan(-0.99);
      expect(crop[2]).toBeLessThan(-0.99);
      const fill = channelMeans(await preprocessPhoto({ kind: 'original', path: file }, preprocessingSpec(size, 'fill')));
      for (const mean of fill) expect(mean).toBeCloseTo(-1 / 3, 1); // a third of each channel is 255
    }
  });

  it('refuses to serve a centre crop whose short side is larger than the import cache (320 px needs 366 px)', async () => {
    const paths = libraryPaths(makeTempDir());
    await deriveImages(PHOTOS[0]!, 'refuse0', paths);
    expect(imageSourceFor(paths, { contentHash: 'refuse0', path: PHOTOS[0]! }, preprocessingSpec(320, 'center-crop'))).toEqual({ kind: 'original', path: PHOTOS[0]! });
    await expect(preprocessPhoto({ kind: 'model-input', path: modelInputPath(paths, 'refuse0') }, preprocessingSpec(320, 'center-crop'))).rejects.toThrow(
      /cannot serve v4-center-crop at 320 px/,
    );
  });

  it('gives the same input from an outside original as from the import cache, for the default 288 px crop and the stretched sizes', async () => {
    const paths = libraryPaths(makeTempDir());
    const specs = [preprocessingSpec(288, 'center-crop'), preprocessingSpec(224, 'center-crop'), preprocessingSpec(224, 'fill'), preprocessingSpec(96, 'fill')];
    for (const [i, file] of PHOTOS.entries()) {
      const hash = `parity${i}`;
      await deriveImages(file, hash, paths);
      for (const spec of specs) {
        const size = spec.resize.sizePx;
        expect(imageSourceFor(paths, { contentHash: hash, path: file }, spec).kind).toBe('model-input');
        for (const view of ['original', 'flip|rot+10']) {
          const fromOriginal = await preprocessPhoto({ kind: 'original', path: file }, spec, view);
          const fromCache = await preprocessPhoto({ kind: 'model-input', path: modelInputPath(paths, hash) }, spec, view);
          expect(fromOriginal.length).toBe(size * size * 3);
          expect(maxAbsDiff(fromOriginal, fromCache), `${file} ${preprocessingKey(spec)} @${size} ${view}`).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('scales the cached pixels to [-1, 1] and feeds the photo upright', async () => {
    const spec = preprocessingSpec(224, 'fill');
    const source = { kind: 'original', path: PHOTOS[0]! } as const;
    const raw = await readModelInput(source, spec);
    const input = await preprocessPhoto(source, spec);
    expect(input[0]).toBeCloseTo(raw.data[0]! / 127.5 - 1, 6);
    expect(input.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(input.some((v) => v < -0.5) && input.some((v) => v > 0.5)).toBe(true);
    // rot6.jpg stores its pixels portrait with EXIF orientation 6; sharp's own upright rendering must match ours.
    const upright = await sharp(PHOTOS[0]!).rotate().removeAlpha().resize(224, 224, { fit: 'fill' }).raw().toBuffer();
    const sideways = await sharp(PHOTOS[0]!).removeAlpha().resize(224, 224, { fit: 'fill' }).raw().toBuffer();
    const meanDiff = (other: Buffer) => other.reduce((sum, v, i) => sum + Math.abs(v - raw.data[i]!), 0) / other.length;
    expect(meanDiff(upright)).toBeLessThan(4);
    expect(meanDiff(sideways)).toBeGreaterThan(4 * meanDiff(upright));
  });
});

describe('ImageNet sanity check through preprocessPhoto', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = (await selectBackend('wasm')).tf;
  });

  it('classifies the cat as a cat and the espresso as espresso with MobileNet V1', async () => {
    const model = await tf.loadLayersModel(fileModelHandler(path.join(SHARED_DIR, 'models/mobilenet_v1_0.25_imagenet')));
    const spec = preprocessingSpec(224);
    const top1 = async (name: string) => {
      const input = await preprocessPhoto({ kind: 'original', path: path.join(SHARED_DIR, 'photos/imagenet', name) }, spec);
      return tf.tidy(() => (tf.argMax(model.predict(toBatchTensor(tf, [input], spec)) as Tensor, 1).dataSync()[0] as number));
    };
    const cat = await top1('chelsea.png');
    expect(cat).toBeGreaterThanOrEqual(281);
    expect(cat).toBeLessThanOrEqual(285);
    expect(await top1('coffee.png')).toBe(967);
    model.dispose();
  });
});
