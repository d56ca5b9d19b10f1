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

/** A photo as import holds it: its path, and its bytes when it was read whole (they are decoded when they can be). */
export interface PhotoFile {
  path: string;
  bytes: Buffer | null;
}

/** Upright sRGB RGB pixels, short side WORKING_SHORT_SIDE_PX, aspect ratio kept. */
export async function decodeWorkingImage(file: string): Promise<WorkingImage> {
  return (await openWorkingImage(file)).image;
}

/**
 * libjpeg's scaled decode for a working image of this short side: the largest of 1/2, 1/4, 1/8 whose output (libjpeg
 * rounds up) still covers WORKING_SHORT_SIDE_PX, or 1.
 */
export function jpegShrinkFor(shortSide: number): number {
  let shrink = 8;
  while (shrink > 1 && Math.ceil(shortSide / shrink) < WORKING_SHORT_SIDE_PX) shrink /= 2;
  return shrink;
}

/**
 * The shrink sharp picks by itself for the same resize (pipeline.cc): it lowers libjpeg's scale one step when the
 * shrink's integer part equals it, so 1024×768 → short side 329 (2.33) decodes at full size, 4× the pixels.
 */
function sharpJpegShrink(shortSide: number): number {
  const shrink = shortSide / WORKING_SHORT_SIDE_PX;
  const chosen = shrink >= 8 ? 8 : shrink >= 4 ? 4 : shrink >= 2 ? 2 : 1;
  return chosen > 1 && Math.trunc(shrink) === chosen ? chosen / 2 : chosen;
}

/**
 * Where the working image's pixels are decoded from when sharp would decode a JPEG at a larger scale than needed:
 * the file with libvips' `[shrink=N]` load option (it exists for files only, so the file is read again; the
 * header, EXIF and hash still come from the bytes read once). Then at most a 2× resize is left, which sharp does
 * itself.
 */
function shrinkOnLoadInput(path: string): (meta: Metadata) => string | null {
  return (meta) => {
    if (meta.format !== 'jpeg' || !meta.width || !meta.height || isStrip(meta.width, meta.height)) return null;
    const shortSide = Math.min(meta.width, meta.height);
    const shrink = jpegShrinkFor(shortSide);
    return shrink > sharpJpegShrink(shortSide) ? `${path}[shrink=${shrink}]` : null;
  };
}

function isStrip(width: number, height: number): boolean {
  return (Math.max(width, height) * WORKING_SHORT_SIDE_PX) / Math.min(width, height) > WORKING_MAX_LONG_SIDE_PX;
}

/** Header facts and working pixels (the header parsed once; the pixels decoded once, at the scale the size needs). */
async function openWorkingImage(file: string | PhotoFile): Promise<{ meta: Metadata; image: WorkingImage; sampleRange: SampleRange | null }> {
  const input = typeof file === 'string' ? file : (file.bytes ?? file.path);
  const path = typeof file === 'string' ? file : file.path;
  const { pipeline, meta, sampleRange } = await openUprightByRange(input, shrinkOnLoadInput(path));
  if (meta.format === 'heif' && meta.compression === 'hevc') throw new Error('heif: HEVC compression');
  const strip = isStrip(meta.width ?? 1, meta.height ?? 1);
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
  file: string | PhotoFile,
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
