// The one chain from a photo to model input, for training, inference and export:
// original → upright sRGB square at the model size ('center-crop': short side to size / 0.875, centre square;
// 'fill': stretched, read from the import's 224 px cache when the model size is ≤ 224) → optional augmentation
// view → bilinear resize to the model size → x/127.5 − 1. Predicting on an outside file and training share it.
import fs from 'node:fs';
import sharp from 'sharp';
import type { Tensor4D } from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { LibraryPaths } from '../../library/library.js';
import { openUpright, type RgbImage } from '../../photos/decode-image.js';
import { WORKING_SHORT_SIDE_PX, decodeWorkingImage, encodeModelInput } from '../../photos/derive-images.js';
import { MODEL_INPUT_SIZE_PX, modelInputPath } from '../../photos/derived-files.js';
import { applyView, ORIGINAL_VIEW, type FloatRgbImage } from './augment-views.js';
import type { Tf } from '../backbone/backend.js';
import { checkMobileNetV2Options } from '../backbone/mobilenet-v2.js';
import { DEFAULT_RESIZE_MODE, type ResizeMode } from '../backbone/backbone.js';

const CHANNELS = 3;
const SCALE_DIVIDE = 127.5;
const SCALE_SUBTRACT = 1;

/** 224 of 256, as in the ImageNet evaluation protocol. */
export const CENTER_CROP_FRACTION = 0.875;
/** Bumped whenever the pixels a spec produces change; part of the feature-cache key. */
export const PREPROCESSING_VERSION = 2;

/** Stored with every run and model, so a model is always fed the way it was trained. */
export interface PreprocessingSpec {
  version: typeof PREPROCESSING_VERSION;
  /** sharp: EXIF orientation applied, converted to sRGB, first frame, alpha dropped */
  decode: 'upright-srgb';
  /** how the frame becomes a square */
  geometry: { mode: 'fill' } | { mode: 'center-crop'; cropFraction: number };
  /**
   * The import's cached intermediate (short side reduced to `workingShortSidePx`, then stretched to a square,
   * lossless PNG). It serves only 'fill' at sizes up to its own; anything else is read from the original.
   */
  cache: { sizePx: number; fit: 'fill'; workingShortSidePx: number; kernel: 'linear' };
  /** from the cached square to the model size; half-pixel centres, no antialiasing (tf.image.resize 'bilinear') */
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
    cache: { sizePx: MODEL_INPUT_SIZE_PX, fit: 'fill', workingShortSidePx: WORKING_SHORT_SIDE_PX, kernel: 'linear' },
    resize: { sizePx: inputSize, method: 'bilinear' },
    scale: { divide: SCALE_DIVIDE, subtract: SCALE_SUBTRACT },
    layout: 'NHWC-RGB',
  };
}

/** Where the pixels come from: an original photo, or its model-input cache file written at import. */
export type ImageSource = { kind: 'original'; path: string } | { kind: 'model-input'; path: string };

async function decodeRaw(input: string | Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** A short name of the spec for keys (feature cache, embedder reuse): 'v2-center-crop'. */
export function preprocessingKey(spec: PreprocessingSpec): string {
  return `v${spec.version}-${spec.geometry.mode}`;
}

/** True when the import's model-input cache holds the pixels this spec needs. */
export function servedByModelInputCache(spec: PreprocessingSpec): boolean {
  return spec.geometry.mode === 'fill' && spec.resize.sizePx <= spec.cache.sizePx;
}

/** The model-input cache file when it exists and serves `spec`, else the original. */
export function imageSourceFor(paths: Pick<LibraryPaths, 'modelInputs'>, photo: { contentHash: string; path: string }, spec: PreprocessingSpec): ImageSource {
  const cached = modelInputPath(paths, photo.contentHash);
  return servedByModelInputCache(spec) && fs.existsSync(cached) ? { kind: 'model-input', path: cached } : { kind: 'original', path: photo.path };
}

/** An original decoded straight to the model size: stretched, or short side scaled and the centre square cut. */
async function decodeOriginalSquare(file: string, spec: PreprocessingSpec): Promise<RgbImage> {
  const size = spec.resize.sizePx;
  const pipeline = openUpright(file).removeAlpha();
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

/**
 * The square the spec starts from: the import's cached 224 px square for 'fill' up to 224 px (made exactly as
 * import makes it when reading an original), else the original decoded straight to the model size.
 */
export async function readModelInput(source: ImageSource, spec: PreprocessingSpec = preprocessingSpec(MODEL_INPUT_SIZE_PX, 'fill')): Promise<RgbImage> {
  if (!servedByModelInputCache(spec)) {
    if (source.kind === 'model-input') {
      throw new StudioError('INTERNAL', `Model input ${source.path}: the ${MODEL_INPUT_SIZE_PX} px 'fill' cache cannot serve ${preprocessingKey(spec)} at ${spec.resize.sizePx} px`);
    }
    return decodeOriginalSquare(source.path, spec);
  }
  // The cache is PNG, so encoding an original the same way and decoding it gives byte-identical pixels.
  const image =
    source.kind === 'model-input' ? await decodeRaw(source.path) : await decodeRaw(await encodeModelInput(await decodeWorkingImage(source.path)));
  if (image.width !== MODEL_INPUT_SIZE_PX || image.height !== MODEL_INPUT_SIZE_PX) {
    throw new StudioError(
      'INVALID_INPUT',
      `Model input ${source.path}: expected ${MODEL_INPUT_SIZE_PX}×${MODEL_INPUT_SIZE_PX}, received ${image.width}×${image.height}`,
    );
  }
  return image;
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
