// 64-bit difference hash (dHash) of an image, for near-duplicate detection.
//
// Hand-written on purpose: it is a dozen lines over sharp's greyscale resize, and the npm packages that
// offer it (sharp-phash, imghash, blockhash-core) each bring their own decoder or resize and so would
// decode the original a second time; here it reuses the pixels already decoded for the thumbnail.
// dHash (Neal Krawetz, "Kind of like that", hackerfactor.com 2013): shrink to 9×8 grey, one bit per
// horizontal neighbour pair (left brighter than right). Robust to re-encoding, scaling and colour tweaks.
import sharp from 'sharp';

const HASH_COLUMNS = 9;
const HASH_ROWS = 8;

/** Hash of raw interleaved pixels (1–4 channels); returns 16 lowercase hex digits. */
export async function differenceHash(raw: Buffer, info: { width: number; height: number; channels: 1 | 2 | 3 | 4 }): Promise<string> {
  const grey = await sharp(raw, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .greyscale()
    .resize(HASH_COLUMNS, HASH_ROWS, { fit: 'fill' })
    .raw()
    .toBuffer();
  let bits = 0n;
  for (let y = 0; y < HASH_ROWS; y++) {
    for (let x = 0; x < HASH_COLUMNS - 1; x++) {
      const left = grey[y * HASH_COLUMNS + x] ?? 0;
      const right = grey[y * HASH_COLUMNS + x + 1] ?? 0;
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
