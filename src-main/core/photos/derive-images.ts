// Decodes an original once and derives everything import needs from those pixels: upright dimensions,
// thumbnail, model input and perceptual hash. Files are written before the caller records the photo.
import sharp, { type Metadata } from 'sharp';
import type { LibraryPaths } from '../library/library.js';
import { openUprightByRange } from './decode-image.js';
import { describeNearBlank, isNearBlankStdev } from './near-blank.js';
import { describeSampleRange, type SampleRange } from './sample-range.js';
import {
  MODEL_INPUT_JPEG,
  MODEL_INPUT_SHORT_SIDE_PX,
  THUMB_SIZE_PX,
  THUMB_WEBP_QUALITY,
  modelInputPath,
  thumbnailPath,
  writeFileAtomic,
} from './derived-files.js';
import { differenceHashAndLuminanceStdev } from './perceptual-hash.js';
import { asLibraryWrite } from '../library/library-failure.js';

/**
 * The single decode stops at this short side (JPEG shrink-on-load does most of the work, so a 54 MP file
 * never exists at full size in memory). It is the model-input cache as stored, and ≥ the thumbnail. Smaller
 * originals are enlarged to it (bilinear), as the centre crop always did; the thumbnail never is.
 */
export const WORKING_SHORT_SIDE_PX = MODEL_INPUT_SHORT_SIDE_PX;
/** A panorama or a strip is not enlarged past this long side (JPEG's limit is 65,535; memory would go first). */
const WORKING_MAX_LONG_SIDE_PX = 4096;
/** Measured on the alpaca set: effort 2 encodes in half the time of the default 4 for +1 KB per thumbnail. */
const THUMB_WEBP_EFFORT = 2;

export interface DerivedImages {
  format: string | null;
  /** as displayed (after EXIF orientation) */
  width: number;
  height: number;
  orientation: number | null;
  /** null for a near-blank image, which must not join near-duplicate groups */
  phash: string | null;
  /** what the import summary should tell about this image (read at a smaller bit depth, near-blank) */
  warnings: string[];
}

export interface WorkingImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

/** Upright sRGB RGB pixels, short side WORKING_SHORT_SIDE_PX, aspect ratio kept. */
export async function decodeWorkingImage(file: string): Promise<WorkingImage> {
  return (await openWorkingImage(file)).image;
}

/** Header facts and working pixels from one sharp instance (the header is parsed once, the pixels decoded once). */
async function openWorkingImage(file: string | Buffer): Promise<{ meta: Metadata; image: WorkingImage; sampleRange: SampleRange | null }> {
  const { pipeline, meta, sampleRange } = await openUprightByRange(file);
  if (meta.format === 'heif' && meta.compression === 'hevc') throw new Error('heif: HEVC compression');
  const width = meta.autoOrient?.width ?? meta.width ?? 1;
  const height = meta.autoOrient?.height ?? meta.height ?? 1;
  const strip = (Math.max(width, height) * WORKING_SHORT_SIDE_PX) / Math.min(width, height) > WORKING_MAX_LONG_SIDE_PX;
  const { data, info } = await pipeline
    .removeAlpha()
    .resize(
      strip
        ? { width: WORKING_MAX_LONG_SIDE_PX, height: WORKING_MAX_LONG_SIDE_PX, fit: 'inside', kernel: 'linear' }
        : { width: WORKING_SHORT_SIDE_PX, height: WORKING_SHORT_SIDE_PX, fit: 'outside', kernel: 'linear' },
    )
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { meta, image: { data, width: info.width, height: info.height, channels: 3 }, sampleRange };
}

function fromWorking(image: WorkingImage) {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
}

/**
 * The cached model input: the working image itself, JPEG (preprocess.ts cuts every model square from it). Huffman
 * optimisation off: it changes no decoded pixel, and costs 1.9 ms CPU per photo for 2.6% smaller files.
 */
export function encodeModelInput(image: WorkingImage): Promise<Buffer> {
  return fromWorking(image).jpeg({ ...MODEL_INPUT_JPEG, optimiseCoding: false }).toBuffer();
}

/** Long side THUMB_SIZE_PX, or the original's long side when that is smaller (the working image may be enlarged). */
export function encodeThumbnail(image: WorkingImage, originalLongSide: number = THUMB_SIZE_PX): Promise<Buffer> {
  const side = Math.max(1, Math.min(THUMB_SIZE_PX, originalLongSide));
  return fromWorking(image)
    .resize(side, side, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: THUMB_WEBP_QUALITY, effort: THUMB_WEBP_EFFORT })
    .toBuffer();
}

/** Reads the header (format, upright size), decodes once, writes thumbnail + model input, returns the facts. */
export async function deriveImages(
  file: string | Buffer,
  hash: string,
  paths: Pick<LibraryPaths, 'root' | 'thumbnails' | 'modelInputs'>,
): Promise<DerivedImages> {
  const { meta, image, sampleRange } = await openWorkingImage(file);
  const width = meta.autoOrient?.width ?? meta.width ?? image.width;
  const height = meta.autoOrient?.height ?? meta.height ?? image.height;
  const thumbnailDone = encodeThumbnail(image, Math.max(width, height));
  const modelInputDone = encodeModelInput(image);
  // while sharp encodes on its threads
  const pixels = differenceHashAndLuminanceStdev(image.data, image);
  const blank = isNearBlankStdev(pixels.luminanceStdev);
  const [thumbnail, modelInput] = await Promise.all([thumbnailDone, modelInputDone]);
  const phash = blank ? null : pixels.phash;
  const warnings = [describeSampleRange(sampleRange), blank ? describeNearBlank(pixels.luminanceStdev) : null].filter((w) => w !== null);
  await asLibraryWrite(paths.root, () =>
    Promise.all([writeFileAtomic(thumbnailPath(paths, hash), thumbnail), writeFileAtomic(modelInputPath(paths, hash), modelInput)]),
  );
  return {
    format: meta.format ?? null,
    width,
    height,
    orientation: meta.orientation ?? null,
    phash,
    warnings,
  };
}
