// Decodes an original once and derives everything import needs from those pixels: upright dimensions,
// thumbnail, model input and perceptual hash. Files are written before the caller records the photo.
import sharp, { type Metadata } from 'sharp';
import type { LibraryPaths } from '../library/library.js';
import { openUprightByRange } from './decode-image.js';
import { describeNearBlank, isNearBlank } from './near-blank.js';
import { describeSampleRange, type SampleRange } from './sample-range.js';
import {
  MODEL_INPUT_SIZE_PX,
  THUMB_SIZE_PX,
  THUMB_WEBP_QUALITY,
  modelInputPath,
  thumbnailPath,
  writeFileAtomic,
} from './derived-files.js';
import { differenceHash } from './perceptual-hash.js';
import { asLibraryWrite } from '../library/library-failure.js';

/**
 * The single decode stops at this short side (JPEG shrink-on-load does most of the work, so a 54 MP file
 * never exists at full size in memory). It is ≥ both outputs, so neither is upsampled from it.
 */
export const WORKING_SHORT_SIDE_PX = Math.max(THUMB_SIZE_PX, MODEL_INPUT_SIZE_PX);
/** Measured on the alpaca set: effort 2 encodes in half the time of the default 4 for +1 KB per thumbnail. */
const THUMB_WEBP_EFFORT = 2;
/** zlib level 1: 3 ms vs 6 ms at level 3 for 143 vs 123 KB (photo noise barely compresses); decodes in ~1.4 ms. */
const MODEL_INPUT_PNG_COMPRESSION = 1;

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

/** Upright sRGB RGB pixels, short side WORKING_SHORT_SIDE_PX (or the original size if smaller). */
export async function decodeWorkingImage(file: string): Promise<WorkingImage> {
  return (await openWorkingImage(file)).image;
}

/** Header facts and working pixels from one sharp instance (the header is parsed once, the pixels decoded once). */
async function openWorkingImage(file: string): Promise<{ meta: Metadata; image: WorkingImage; sampleRange: SampleRange | null }> {
  const { pipeline, meta, sampleRange } = await openUprightByRange(file);
  if (meta.format === 'heif' && meta.compression === 'hevc') throw new Error('heif: HEVC compression');
  const { data, info } = await pipeline
    .removeAlpha()
    .resize(WORKING_SHORT_SIDE_PX, WORKING_SHORT_SIDE_PX, { fit: 'outside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { meta, image: { data, width: info.width, height: info.height, channels: 3 }, sampleRange };
}

function fromWorking(image: WorkingImage) {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
}

/** The cached model input: same geometry as decodeUprightRgb(file, {224, 224, 'fill'}), stored as PNG. */
export function encodeModelInput(image: WorkingImage): Promise<Buffer> {
  return fromWorking(image)
    .resize(MODEL_INPUT_SIZE_PX, MODEL_INPUT_SIZE_PX, { fit: 'fill', kernel: 'linear' })
    .png({ compressionLevel: MODEL_INPUT_PNG_COMPRESSION })
    .toBuffer();
}

export function encodeThumbnail(image: WorkingImage): Promise<Buffer> {
  return fromWorking(image)
    .resize(THUMB_SIZE_PX, THUMB_SIZE_PX, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: THUMB_WEBP_QUALITY, effort: THUMB_WEBP_EFFORT })
    .toBuffer();
}

/** Reads the header (format, upright size), decodes once, writes thumbnail + model input, returns the facts. */
export async function deriveImages(
  file: string,
  hash: string,
  paths: Pick<LibraryPaths, 'root' | 'thumbnails' | 'modelInputs'>,
): Promise<DerivedImages> {
  const { meta, image, sampleRange } = await openWorkingImage(file);
  const blank = isNearBlank(image.data);
  const [thumbnail, modelInput, phash] = await Promise.all([
    encodeThumbnail(image),
    encodeModelInput(image),
    blank ? null : differenceHash(image.data, image),
  ]);
  const warnings = [describeSampleRange(sampleRange), blank ? describeNearBlank(image.data) : null].filter((w) => w !== null);
  await asLibraryWrite(paths.root, () =>
    Promise.all([writeFileAtomic(thumbnailPath(paths, hash), thumbnail), writeFileAtomic(modelInputPath(paths, hash), modelInput)]),
  );
  return {
    format: meta.format ?? null,
    width: meta.autoOrient?.width ?? meta.width ?? image.width,
    height: meta.autoOrient?.height ?? meta.height ?? image.height,
    orientation: meta.orientation ?? null,
    phash,
    warnings,
  };
}
