// Near-blank images (almost one flat colour: a lens cap shot, an empty scan, a black frame) are imported but
// warned about, and get no perceptual hash: a flat image's dHash is all zeros, the same as any picture whose rows
// brighten from left to right, so it would group as a near-duplicate of unrelated photos.

/**
 * Standard deviation of luminance (0–255) below which an image counts as near-blank. Measured: the flattest of the
 * 337 alpaca and bad-inputs photos is at 20.0 (the alpaca import test checks none is warned); JPEG noise on a flat colour
 * stays below 1.
 */
export const NEAR_BLANK_MAX_STDEV = 2;

/** Luminance standard deviation of interleaved RGB pixels (Rec. 601 weights). */
export function luminanceStdev(rgb: Uint8Array | Buffer): number {
  const pixels = Math.floor(rgb.length / 3);
  if (pixels === 0) return 0;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < pixels * 3; i += 3) {
    const y = 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
    sum += y;
    sumSquares += y * y;
  }
  return stdevOfSums(sum, sumSquares, pixels);
}

/** Standard deviation from the sum and the sum of squares of `count` values. */
export function stdevOfSums(sum: number, sumSquares: number, count: number): number {
  if (count === 0) return 0;
  const mean = sum / count;
  return Math.sqrt(Math.max(0, sumSquares / count - mean * mean));
}

export function isNearBlank(rgb: Uint8Array | Buffer): boolean {
  return isNearBlankStdev(luminanceStdev(rgb));
}

export function isNearBlankStdev(stdev: number): boolean {
  return stdev < NEAR_BLANK_MAX_STDEV;
}

export function describeNearBlank(stdev: number): string {
  return `near-blank image: almost one flat colour (luminance varies by ${stdev.toFixed(1)} of 255); it is kept out of near-duplicate groups`;
}
