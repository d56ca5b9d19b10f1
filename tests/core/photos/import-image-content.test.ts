// What import makes of unusual pixel content: 16-bit files whose values use fewer bits, near-blank images, and
// flat images next to unrelated pictures in near-duplicate grouping (issue 10, item 8).
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../src-main/api/schemas.js';
import { modelInputPath, thumbnailPath } from '../../../src-main/core/photos/derived-files.js';
import { importFolder } from '../../../src-main/core/photos/import-folder.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';
import { openTempLibrary, quietContext, rowByName } from './import-helpers.js';

const PHOTO = path.join(SHARED_DIR, 'datasets', 'alpaca', 'alpaca', '01ad3ff1d94eb557.jpg');
const meanAbsDiff = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - (b[i] ?? 0)), 0) / a.length;
const mean = (a: Buffer) => a.reduce((sum, v) => sum + v, 0) / a.length;

/** A real photo's grey values (0–255) as 8-bit, and the same values stored in a 16-bit greyscale TIFF. */
async function writeGreyPair(dir: string): Promise<void> {
  const { data, info } = await sharp(PHOTO).greyscale().resize(320, 240).raw().toBuffer({ resolveWithObject: true });
  await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } }).png().toFile(path.join(dir, 'grey8.png'));
  const sixteen = Uint16Array.from(data);
  const png16 = await sharp(sixteen, { raw: { width: info.width, height: info.height, channels: 1 } }).toColourspace('grey16').png().toBuffer();
  await sharp(png16).toColourspace('grey16').tiff({ compression: 'none' }).toFile(path.join(dir, 'grey16-uses-8-bits.tif'));
}

async function pixels(file: string): Promise<Buffer> {
  return sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer();
}

describe('importFolder on unusual pixel content', () => {
  const library = openTempLibrary('content-lib-');
  const root = makeTempDir('content-root-');
  let summary: ImportSummary;

  beforeAll(async () => {
    await writeGreyPair(root);
    // a full-range 16-bit colour photo: nothing to correct, nothing to warn
    await sharp(PHOTO).resize(320, 240).toColourspace('rgb16').png().toFile(path.join(root, 'colour16-full-range.png'));
    // a near-blank frame (flat grey, JPEG noise only) and an unrelated picture whose dHash is all zeros too:
    // every row brightens from left to right
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#7a7a7a' } }).jpeg().toFile(path.join(root, 'blank.jpg'));
    const ramp = Buffer.alloc(320 * 240 * 3);
    for (let i = 0; i < 320 * 240; i++) ramp.fill(Math.round(((i % 320) / 319) * 255), i * 3, i * 3 + 3);
    await sharp(ramp, { raw: { width: 320, height: 240, channels: 3 } }).jpeg().toFile(path.join(root, 'ramp.jpg'));
    summary = await importFolder(library, { root, labelsFromFolders: false }, quietContext());
  });

  it('generated a real 16-bit greyscale TIFF whose values stay within 0–255', async () => {
    const file = path.join(root, 'grey16-uses-8-bits.tif');
    expect(await sharp(file).metadata()).toMatchObject({ format: 'tiff', depth: 'ushort', channels: 1 });
    expect((await sharp(file).stats()).channels[0]?.max).toBeLessThanOrEqual(255);
  });

  it('reads a 16-bit image whose values use 8 bits as 8-bit: its thumbnail and model input match the 8-bit file, with a warning', async () => {
    expect(summary.added).toBe(5);
    const sixteen = rowByName(library, 'grey16-uses-8-bits.tif')!;
    const eight = rowByName(library, 'grey8.png')!;
    for (const cached of [thumbnailPath, modelInputPath]) {
      const a = await pixels(cached(library.paths, sixteen.content_hash));
      const b = await pixels(cached(library.paths, eight.content_hash));
      expect(mean(a)).toBeGreaterThan(40);
      expect(meanAbsDiff(a, b)).toBeLessThan(1.5);
    }
    expect(summary.warnings).toContainEqual({
      path: path.join(fs.realpathSync(root), 'grey16-uses-8-bits.tif'),
      message: expect.stringMatching(/^16-bit image whose values use only 8 bits \(0–255\)/),
    });
  });

  it('imports a full-range 16-bit photo as it is, without a warning', async () => {
    const row = rowByName(library, 'colour16-full-range.png')!;
    const thumb = await pixels(thumbnailPath(library.paths, row.content_hash));
    const reference = await sharp(PHOTO).resize(256, 192).removeAlpha().raw().toBuffer();
    // two resampling steps (the 329 px working image, then 256) against one: measured 4.4 levels; a misread 16-bit image is off by ~100
    expect(meanAbsDiff(thumb, reference)).toBeLessThan(6);
    expect(summary.warnings.map((w) => path.basename(w.path))).not.toContain('colour16-full-range.png');
  });

  it('warns about the near-blank image only', () => {
    const warned = summary.warnings.filter((w) => w.message.startsWith('near-blank image'));
    expect(warned.map((w) => path.basename(w.path))).toEqual(['blank.jpg']);
  });

  it('does not group the blank image with an unrelated picture whose difference hash is all zeros', () => {
    expect(library.db.prepare(`SELECT phash FROM photos WHERE file_name = 'ramp.jpg'`).pluck().get()).toBe('0000000000000000');
    expect(rowByName(library, 'blank.jpg')?.dup_group).toBeNull();
    expect(rowByName(library, 'ramp.jpg')?.dup_group).toBeNull();
  });

  it('groups the 16-bit TIFF with its 8-bit twin and the colour original: the same picture, not a black frame', () => {
    const ids = ['grey16-uses-8-bits.tif', 'grey8.png', 'colour16-full-range.png'].map((name) => rowByName(library, name)!.id);
    expect(summary.duplicateGroups).toEqual([{ group: Math.min(...ids), photoIds: [...ids].sort((a, b) => a - b) }]);
  });
});
