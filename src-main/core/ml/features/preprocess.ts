// The one chain from a photo to model input, for training, inference and export:
// original → upright sRGB working image (JPEG decoded at the largest libjpeg scale that covers it, short side
// 329 px, aspect kept, JPEG: the import's model-input cache)
// → square at the model size ('center-crop': short side to size / 0.875, centre square; 'fill': stretched)
// → optional augmentation view → x/127.5 − 1. Predicting on an outside file and training share it: an original
// goes through the same JPEG round trip, so a photo gives the same input with or without its cache file.
import fs from 'node:fs';
import sharp from 'sharp';
import type { Tensor4D } from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { LibraryPaths } from '../../library/library.js';
import { openUprightByRange, type RgbImage } from '../../photos/decode-image.js';
import { decodeWorkingImage, encodeModelInput } from '../../photos/derive-images.js';
import { MODEL_INPUT_JPEG, MODEL_INPUT_SHORT_SIDE_PX, modelInputPath, writeModelInput } from '../../photos/derived-files.js';
import { applyView, ORIGINAL_VIEW, type FloatRgbImage } from './augment-views.js';
import type { Tf } from '../backbone/backend.js';
import { checkMobileNetV2Options } from '../backbone/mobilenet-v2.js';
import { DEFAULT_RESIZE_MODE, type ResizeMode } from '../backbone/backbone.js';

const CHANNELS = 3;
const SCALE_DIVIDE = 127.5;
const SCALE_SUBTRACT = 1;

/** 224 of 256, as in the ImageNet evaluation protocol. */
export const CENTER_CROP_FRACTION = 0.875;
/**
 * Bumped whenever the pixels a spec produces change; part of the feature-cache key. v4: the working image's JPEG
 * is decoded at ½/¼/⅛ when that still covers it, and an embedded standard sRGB profile is not converted.
 */
export const PREPROCESSING_VERSION = 4;

/** Stored with every run and model, so a model is always fed the way it was trained. */
export interface PreprocessingSpec {
  version: typeof PREPROCESSING_VERSION;
  /** sharp: EXIF orientation applied, converted to sRGB (a standard sRGB profile as is), first frame, alpha dropped */
  decode: 'upright-srgb';
  /** how the frame becomes a square */
  geometry: { mode: 'fill' } | { mode: 'center-crop'; cropFraction: number };
  /**
   * The import's cached intermediate: short side `shortSidePx` (bilinear, aspect kept), JPEG at `quality`,
   * chroma not subsampled. It serves every geometry whose first resize is not larger than it (centre crop up to
   * 288 px, fill up to 320 px); anything else is read from the original straight to the model size.
   */
  cache: { shortSidePx: number; kernel: 'linear'; encoding: 'jpeg'; quality: number; chromaSubsampling: '4:4:4' };
  /** from the working image to the model square (libvips bilinear, antialiased when shrinking) */
  resize: { sizePx: number; method: 'bilinear' };
  /** value = pixel / divide − subtract, giving [-1, 1] (Keras mobilenet_v2.preprocess_input) */
  scale: { divide: number; subtract: number };
  layout: 'NHWC-RGB';
}

export function preprocessingSpec(inputSize: number, resize: ResizeMode = DEFAULT_RESIZE_MODE): PreprocessingSpec {
  checkMobileNetV2Options({ alpha: 1, inputSize });
  return {
    version: PREPROCESSING_VERSION,
    decode: 'upright-srgb',
    geometry: resize === 'fill' ? { mode: 'fill' } : { mode: 'center-crop', cropFraction: CENTER_CROP_FRACTION },
    cache: { shortSidePx: MODEL_INPUT_SHORT_SIDE_PX, kernel: 'linear', encoding: 'jpeg', ...MODEL_INPUT_JPEG },
    resize: { sizePx: inputSize, method: 'bilinear' },
    scale: { divide: SCALE_DIVIDE, subtract: SCALE_SUBTRACT },
    layout: 'NHWC-RGB',
  };
}

/**
 * Where the pixels come from: an original photo, or its model-input cache file written at import. `cachePath`:
 * a library photo without its cache file (an older library); the cache file is written there on the way.
 */
export type ImageSource = { kind: 'original'; path: string; cachePath?: string } | { kind: 'model-input'; path: string };

async function decodeRaw(input: string | Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** A short name of the spec for keys (feature cache, embedder reuse): 'v3-center-crop'. */
export function preprocessingKey(spec: PreprocessingSpec): string {
  return `v${spec.version}-${spec.geometry.mode}`;
}

/** Short side the geometry first resizes the frame to: size / 0.875 for the centre crop, the size for fill. */
function firstShortSide(spec: PreprocessingSpec): number {
  const size = spec.resize.sizePx;
  return spec.geometry.mode === 'center-crop' ? Math.round(size / spec.geometry.cropFraction) : size;
}

/** True when the import's model-input cache holds the pixels this spec needs. */
export function servedByModelInputCache(spec: PreprocessingSpec): boolean {
  return firstShortSide(spec) <= spec.cache.shortSidePx;
}

/** The model-input cache file when it exists and serves `spec`, else the original (writing the cache on the way). */
export function imageSourceFor(paths: Pick<LibraryPaths, 'modelInputs'>, photo: { contentHash: string; path: string }, spec: PreprocessingSpec): ImageSource {
  if (!servedByModelInputCache(spec)) return { kind: 'original', path: photo.path };
  const cached = modelInputPath(paths, photo.contentHash);
  return fs.existsSync(cached) ? { kind: 'model-input', path: cached } : { kind: 'original', path: photo.path, cachePath: cached };
}

/** An original decoded straight to the model size: stretched, or short side scaled and the centre square cut. */
async function decodeOriginalSquare(file: string, spec: PreprocessingSpec): Promise<RgbImage> {
  const size = spec.resize.sizePx;
  const pipeline = (await openUprightByRange(file)).pipeline.removeAlpha();
  if (spec.geometry.mode === 'fill') {
    const { data, info } = await pipeline.resize(size, size, { fit: 'fill', kernel: 'linear' }).raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  }
  const shortSide = Math.round(size / spec.geometry.cropFraction);
  const scaled = await pipeline.resize(shortSide, shortSide, { fit: 'outside', kernel: 'linear' }).raw().toBuffer({ resolveWithObject: true });
  const left = Math.floor((scaled.info.width - size) / 2);
  const top = Math.floor((scaled.info.height - size) / 2);
  const { data, info } = await sharp(scaled.data, { raw: { width: scaled.info.width, height: scaled.info.height, channels: 3 } })
    .extract({ left, top, width: size, height: size })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The model square cut from a working image: stretched, or short side scaled (skipped when it is already the size) and the centre square cut. */
async function squareFromWorking(image: RgbImage, spec: PreprocessingSpec): Promise<RgbImage> {
  const size = spec.resize.sizePx;
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: CHANNELS } });
  let { width, height } = image;
  if (spec.geometry.mode === 'fill') {
    pipeline = pipeline.resize(size, size, { fit: 'fill', kernel: 'linear' });
  } else {
    const shortSide = firstShortSide(spec);
    if (Math.min(width, height) !== shortSide) {
      const scaled = await pipeline.resize(shortSide, shortSide, { fit: 'outside', kernel: 'linear' }).raw().toBuffer({ resolveWithObject: true });
      ({ width, height } = scaled.info);
      pipeline = sharp(scaled.data, { raw: { width, height, channels: CHANNELS } });
    }
    pipeline = pipeline.extract({ left: Math.floor((width - size) / 2), top: Math.floor((height - size) / 2), width: size, height: size });
  }
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** An original made into its cache file's bytes (written to `cachePath` when given; a read-only library still embeds). */
async function workingImageOf(source: Extract<ImageSource, { kind: 'original' }>): Promise<RgbImage> {
  const encoded = await encodeModelInput(await decodeWorkingImage(source.path));
  if (source.cachePath) await writeModelInput(source.cachePath, encoded).catch(() => undefined);
  return decodeRaw(encoded);
}

/**
 * The model square the spec asks for: cut from the import's cached working image when the spec is served by it
 * (an original goes through the same JPEG round trip, so both give identical pixels), else the original decoded
 * straight to the model size.
 */
export async function readModelInput(source: ImageSource, spec: PreprocessingSpec): Promise<RgbImage> {
  if (!servedByModelInputCache(spec)) {
    if (source.kind === 'model-input') {
      throw new StudioError('INTERNAL', `Model input ${source.path}: the ${spec.cache.shortSidePx} px cache cannot serve ${preprocessingKey(spec)} at ${spec.resize.sizePx} px`);
    }
    return decodeOriginalSquare(source.path, spec);
  }
  return squareFromWorking(source.kind === 'model-input' ? await decodeRaw(source.path) : await workingImageOf(source), spec);
}

function toFloatImage(image: RgbImage): FloatRgbImage {
  return { width: image.width, height: image.height, data: Float32Array.from(image.data) };
}

/** Bilinear resize with half-pixel centres and edge clamping (tf.image.resize, antialias off), then scaled. */
function resizeAndScale(image: FloatRgbImage, sizePx: number, spec: PreprocessingSpec): Float32Array {
  const { width, height, data } = image;
  const out = new Float32Array(sizePx * sizePx * CHANNELS);
  const sxScale = width / sizePx;
  const syScale = height / sizePx;
  const { divide, subtract } = spec.scale;
  for (let y = 0; y < sizePx; y++) {
    const sy = Math.min(Math.max((y + 0.5) * syScale - 0.5, 0), height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = sy - y0;
    for (let x = 0; x < sizePx; x++) {
      const sx = Math.min(Math.max((x + 0.5) * sxScale - 0.5, 0), width - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = sx - x0;
      const o = (y * sizePx + x) * CHANNELS;
      for (let ch = 0; ch < CHANNELS; ch++) {
        const top = data[(y0 * width + x0) * CHANNELS + ch]! * (1 - fx) + data[(y0 * width + x1) * CHANNELS + ch]! * fx;
        const bottom = data[(y1 * width + x0) * CHANNELS + ch]! * (1 - fx) + data[(y1 * width + x1) * CHANNELS + ch]! * fx;
        out[o + ch] = (top * (1 - fy) + bottom * fy) / divide - subtract;
      }
    }
  }
  return out;
}

function scaleOnly(image: RgbImage, spec: PreprocessingSpec): Float32Array {
  const { divide, subtract } = spec.scale;
  const out = new Float32Array(image.width * image.height * CHANNELS);
  for (let i = 0; i < out.length; i++) out[i] = image.data[i]! / divide - subtract;
  return out;
}

/** From the cached square to model input: [size × size × 3] float32 in [-1, 1], NHWC order. */
export function modelInputToArray(image: RgbImage, spec: PreprocessingSpec, view: string = ORIGINAL_VIEW): Float32Array {
  // Same size, no view: the bilinear resize samples every pixel exactly (weights 1 and 0), so scaling alone gives
  // bit-identical values without the float copy and the interpolation.
  if (view === ORIGINAL_VIEW && image.width === spec.resize.sizePx && image.height === spec.resize.sizePx) return scaleOnly(image, spec);
  const viewed = applyView(toFloatImage(image), view);
  return resizeAndScale(viewed, spec.resize.sizePx, spec);
}

/** THE preprocessing function: a photo (original or its cache file) → model input for one view. */
export async function preprocessPhoto(
  source: ImageSource,
  spec: PreprocessingSpec,
  view: string = ORIGINAL_VIEW,
): Promise<Float32Array> {
  return modelInputToArray(await readModelInput(source, spec), spec, view);
}

/** Stacks preprocessed arrays into one [n, size, size, 3] tensor (the caller disposes it). */
export function toBatchTensor(tf: Tf, inputs: readonly Float32Array[], spec: PreprocessingSpec): Tensor4D {
  const size = spec.resize.sizePx;
  const perImage = size * size * CHANNELS;
  const batch = new Float32Array(inputs.length * perImage);
  inputs.forEach((input, i) => {
    if (input.length !== perImage) {
      throw new StudioError('INTERNAL', `Model input ${i}: expected ${perImage} values, received ${input.length}`);
    }
    batch.set(input, i * perImage);
  });
  return tf.tensor4d(batch, [inputs.length, size, size, CHANNELS], 'float32');
}
