// High-bit-depth images (16 bits per sample) read by the bits their values really use, not as full 16-bit range.
//
// A 16-bit file is converted to 8-bit sRGB by dividing by 256. Scanners, microscopes and some converters write
// 8-, 10-, 12- or 14-bit data into 16-bit files, so a 16-bit greyscale TIFF whose values use 0–255 became an
// all-black thumbnail and model input (issue 10, item 8). Such data is scaled up by a power of two to fill 16
// bits first (8-bit data in a 16-bit file comes out as its own 8-bit values). A power of two, not a min–max
// stretch, so a dark photo stays dark relative to its bit depth and the scale is the same whatever the scene.
import sharp, { type Metadata, type SharpOptions } from 'sharp';

/** Bit depths sensors and converters write into 16-bit files, smallest first. */
const USED_BIT_DEPTHS = [8, 10, 12, 14] as const;

export interface SampleRange {
  /** bits the values use (8, 10, 12, 14 or 16) */
  bitsUsed: number;
  /** factor applied to every sample before the conversion to 8 bits */
  scale: number;
}

/** For a 16-bit image, the bits its colour values use (one extra pass over the pixels); null for 8-bit images. */
export async function sampleRangeOf(
  input: string | Buffer,
  meta: Pick<Metadata, 'depth' | 'hasAlpha'>,
  options: SharpOptions,
): Promise<SampleRange | null> {
  if (meta.depth !== 'ushort') return null;
  const { channels } = await sharp(input, options).stats();
  const colour = meta.hasAlpha ? channels.slice(0, -1) : channels;
  const max = Math.max(...colour.map((c) => c.max));
  const bitsUsed = USED_BIT_DEPTHS.find((bits) => max < 2 ** bits) ?? 16;
  return { bitsUsed, scale: 2 ** (16 - bitsUsed) };
}

/** The line for the import summary when a 16-bit image was read at a smaller depth; null when nothing changed. */
export function describeSampleRange(range: SampleRange | null): string | null {
  if (range === null || range.bitsUsed === 16) return null;
  return `16-bit image whose values use only ${range.bitsUsed} bits (0–${2 ** range.bitsUsed - 1}): read as ${range.bitsUsed}-bit, not as a nearly black 16-bit image`;
}
