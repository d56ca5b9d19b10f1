// 64-bit difference hash (dHash) of an image, for near-duplicate detection.
//
// Hand-written on purpose: it is a dozen lines over pixels already decoded for the thumbnail, and the npm packages
// that offer it (sharp-phash, imghash, blockhash-core) each bring their own decoder or resize and so would decode
// the original a second time. dHash (Neal Krawetz, "Kind of like that", hackerfactor.com 2013): shrink to 9×8 grey,
// one bit per horizontal neighbour pair (left brighter than right). Robust to re-encoding, scaling and colour tweaks.
// The shrink is an area average in plain JS: one pass over the working image, measured 0.5 ms against 2 ms CPU for
// a sharp pipeline (its per-pipeline cost dominates at this size).
import { stdevOfSums } from './near-blank.js';

const HASH_COLUMNS = 9;
const HASH_ROWS = 8;

/** Hash of raw interleaved pixels (1–4 channels, grey or RGB first); returns 16 lowercase hex digits. */
export function differenceHash(raw: Uint8Array, info: { width: number; height: number; channels: 1 | 2 | 3 | 4 }): string {
  return hashFromCellSums(cellSums(raw, info, null), info);
}

/**
 * The dHash and the luminance standard deviation (near-blank.ts) of an RGB image in one pass over its pixels:
 * import needs both, and two passes cost twice the memory reads (measured ~0.75 → ~0.35 ms per working image).
 */
export function differenceHashAndLuminanceStdev(raw: Uint8Array, info: { width: number; height: number; channels: 3 }): { phash: string; luminanceStdev: number } {
  const luminance: LuminanceSums = { sum: 0, sumSquares: 0 };
  const phash = hashFromCellSums(cellSums(raw, info, luminance), info);
  return { phash, luminanceStdev: stdevOfSums(luminance.sum, luminance.sumSquares, info.width * info.height) };
}

interface LuminanceSums {
  sum: number;
  sumSquares: number;
}

// cell column c holds the pixels x in [edge(c), edge(c + 1)): the same split as floor(x · 9 / width)
const edge = (c: number, cells: number, size: number) => Math.ceil((c * size) / cells);

/** Luma sums per cell of the 9×8 grid; with `luminance`, also the Rec. 601 luminance sums of near-blank.ts (RGB only). */
function cellSums(raw: Uint8Array, info: { width: number; height: number; channels: 1 | 2 | 3 | 4 }, luminance: LuminanceSums | null): Float64Array {
  const { width, height, channels } = info;
  const sums = new Float64Array(HASH_COLUMNS * HASH_ROWS);
  let lumaSum = 0;
  let lumaSquares = 0;
  for (let y = 0; y < height; y++) {
    const rowCell = Math.floor((y * HASH_ROWS) / height) * HASH_COLUMNS;
    for (let c = 0; c < HASH_COLUMNS; c++) {
      const end = (y * width + edge(c + 1, HASH_COLUMNS, width)) * channels;
      let sum = 0;
      let i = (y * width + edge(c, HASH_COLUMNS, width)) * channels;
      // Rec. 601 luma in 1/256 steps (sharp's greyscale of an sRGB image, to within rounding)
      if (luminance !== null) {
        for (; i < end; i += 3) {
          const r = raw[i]!;
          const g = raw[i + 1]!;
          const b = raw[i + 2]!;
          sum += 77 * r + 150 * g + 29 * b;
          const l = 0.299 * r + 0.587 * g + 0.114 * b; // the same expression, in the same order, as luminanceStdev
          lumaSum += l;
          lumaSquares += l * l;
        }
      } else if (channels >= 3) for (; i < end; i += channels) sum += 77 * raw[i]! + 150 * raw[i + 1]! + 29 * raw[i + 2]!;
      else for (; i < end; i += channels) sum += 256 * raw[i]!;
      sums[rowCell + c]! += sum;
    }
  }
  if (luminance !== null) {
    luminance.sum = lumaSum;
    luminance.sumSquares = lumaSquares;
  }
  return sums;
}

function hashFromCellSums(sums: Float64Array, info: { width: number; height: number }): string {
  const { width, height } = info;
  const counts = new Float64Array(HASH_COLUMNS * HASH_ROWS);
  for (let y = 0; y < HASH_ROWS; y++) {
    const rows = edge(y + 1, HASH_ROWS, height) - edge(y, HASH_ROWS, height);
    for (let x = 0; x < HASH_COLUMNS; x++) counts[y * HASH_COLUMNS + x] = rows * (edge(x + 1, HASH_COLUMNS, width) - edge(x, HASH_COLUMNS, width));
  }
  let bits = 0n;
  for (let y = 0; y < HASH_ROWS; y++) {
    for (let x = 0; x < HASH_COLUMNS - 1; x++) {
      const left = sums[y * HASH_COLUMNS + x]! / Math.max(1, counts[y * HASH_COLUMNS + x]!);
      const right = sums[y * HASH_COLUMNS + x + 1]! / Math.max(1, counts[y * HASH_COLUMNS + x + 1]!);
      bits = (bits << 1n) | (left > right ? 1n : 0n);
    }
  }
  return bits.toString(16).padStart(16, '0');
}

/** Number of differing bits between two 16-hex-digit hashes. */
export function hammingDistance(a: string, b: string): number {
  return popcount32(parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) + popcount32(parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16));
}

export function popcount32(value: number): number {
  let v = value >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
