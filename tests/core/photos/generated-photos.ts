// Writes many small, distinct, real JPEGs with sharp: a library large enough to exercise what a few hundred photos do not.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createRandom } from '../../../src-main/core/ml/features/seeded-random.js';

const SIDE_PX = 32;
const FILES_IN_FLIGHT = 8;

/** Seeded noise blocks: every photo differs from every other in content (so in content hash and perceptual hash). */
function pixelsOf(index: number): Buffer {
  const random = createRandom(index + 1);
  const data = Buffer.alloc(SIDE_PX * SIDE_PX * 3);
  const BLOCK = 4;
  for (let by = 0; by < SIDE_PX; by += BLOCK) {
    for (let bx = 0; bx < SIDE_PX; bx += BLOCK) {
      const colour = [random() * 255, random() * 255, random() * 255];
      for (let y = by; y < by + BLOCK; y++) for (let x = bx; x < bx + BLOCK; x++) for (let c = 0; c < 3; c++) data[(y * SIDE_PX + x) * 3 + c] = colour[c]!;
    }
  }
  return data;
}

/** `count` JPEGs in `folders` first-level subfolders (so folder labels apply); returns their paths. */
export async function writeGeneratedPhotos(root: string, count: number, folders = ['a', 'b']): Promise<string[]> {
  for (const folder of folders) fs.mkdirSync(path.join(root, folder), { recursive: true });
  const files = Array.from({ length: count }, (_, i) => path.join(root, folders[i % folders.length]!, `photo-${String(i).padStart(5, '0')}.jpg`));
  let next = 0;
  const writer = async () => {
    for (let i = next++; i < count; i = next++) {
      await sharp(pixelsOf(i), { raw: { width: SIDE_PX, height: SIDE_PX, channels: 3 } }).jpeg({ quality: 90 }).toFile(files[i]!);
    }
  };
  await Promise.all(Array.from({ length: FILES_IN_FLIGHT }, writer));
  return files;
}
