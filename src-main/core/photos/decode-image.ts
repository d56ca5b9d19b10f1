// The one pixel pipeline for every consumer (thumbnails, model inputs, predictions on outside files):
// decode with sharp, apply EXIF orientation, convert to sRGB, drop alpha, resize.
import sharp from 'sharp';

/** 54 MP photos must decode; past this a file is refused as a likely decompression bomb. */
export const MAX_INPUT_PIXELS = 200_000_000;

export type ResizeFit = 'fill' | 'cover' | 'inside';

export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

export type SharpPipeline = ReturnType<typeof sharp>;

export function openUpright(input: string | Buffer): SharpPipeline {
  // pages: 1 takes the first frame of a GIF/WebP animation; sequentialRead keeps JPEG decoding streaming.
  return sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, sequentialRead: true, pages: 1, failOn: 'error' })
    .rotate()
    .toColourspace('srgb');
}

/**
 * Decodes to upright sRGB RGB bytes of exactly width×height. 'fill' stretches like Keras
 * `image_dataset_from_directory` (bilinear, aspect ratio not kept), which the reference recipe uses.
 */
export async function decodeUprightRgb(
  input: string | Buffer,
  size: { width: number; height: number; fit?: ResizeFit },
): Promise<RgbImage> {
  const { data, info } = await openUpright(input)
    .removeAlpha()
    .resize(size.width, size.height, { fit: size.fit ?? 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
