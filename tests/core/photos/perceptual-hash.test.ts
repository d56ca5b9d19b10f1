// The one-pass dHash + luminance spread import uses gives exactly what the two separate passes give.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWorkingImage } from '../../../src-main/core/photos/derive-images.js';
import { isNearBlankStdev, luminanceStdev } from '../../../src-main/core/photos/near-blank.js';
import { differenceHash, differenceHashAndLuminanceStdev } from '../../../src-main/core/photos/perceptual-hash.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';

const ALPACA = path.join(SHARED_DIR, 'datasets', 'alpaca', 'alpaca');
const PHOTOS = fs.readdirSync(ALPACA).sort().slice(0, 12).map((f) => path.join(ALPACA, f));

describe('differenceHashAndLuminanceStdev', () => {
  it('returns the same hash and the same standard deviation, to the last bit, as differenceHash and luminanceStdev', async () => {
    const hashes = new Set<string>();
    for (const photo of PHOTOS) {
      const image = await decodeWorkingImage(photo);
      const both = differenceHashAndLuminanceStdev(image.data, image);
      expect(both.phash).toBe(differenceHash(image.data, image));
      expect(both.luminanceStdev).toBe(luminanceStdev(image.data));
      hashes.add(both.phash);
    }
    // real, different photos: a hash that ignored its input would give one value
    expect(hashes.size).toBeGreaterThan(10);
  });

  it('reports a flat image as near-blank, with the all-zero hash that is why it must be kept out of groups', () => {
    const flat = Buffer.alloc(40 * 30 * 3, 128);
    const both = differenceHashAndLuminanceStdev(flat, { width: 40, height: 30, channels: 3 });
    expect(both.phash).toBe('0000000000000000');
    expect(both.luminanceStdev).toBe(luminanceStdev(flat));
    expect(isNearBlankStdev(both.luminanceStdev)).toBe(true);
  });
});
