// importFolder on the files a real photo folder contains and an importer must survive (../shared/bad-inputs).
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../src-main/api/schemas.js';
import { thumbnailPath } from '../../../src-main/core/photos/derived-files.js';
import { importFolder } from '../../../src-main/core/photos/import-folder.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';
import { openTempLibrary, quietContext, rowByName } from './import-helpers.js';

const BAD_INPUTS = path.join(SHARED_DIR, 'bad-inputs');
/** Links do not survive a copy of ../shared, so the test makes them beside the copied files. */
const LINKS: Record<string, string> = { 'symlink_to_jpg.jpg': 'rot6.jpg', 'dangling_symlink.jpg': 'does-not-exist.jpg' };

const IMPORTED = [
  'png_content_with_jpg_ext.jpg',
  'cmyk.jpg',
  'grayscale_1ch.jpg',
  'progressive.jpg',
  'rot6.jpg',
  'huge_9000x6000.jpg',
  'tiny_8x8.jpg',
  'UPPERCASE_EXT.JPG',
  'name with spaces & ünïcode.jpg',
  'webp_real.webp',
];

function reasonFor(summary: ImportSummary, name: string): string | undefined {
  return summary.skipped.find((s) => path.basename(s.path) === name)?.reason;
}

describe('importFolder on bad inputs', () => {
  const library = openTempLibrary();
  const root = makeTempDir('bad-inputs-');
  let summary: ImportSummary;

  beforeAll(async () => {
    for (const name of fs.readdirSync(BAD_INPUTS)) fs.copyFileSync(path.join(BAD_INPUTS, name), path.join(root, name));
    for (const [name, target] of Object.entries(LINKS)) fs.symlinkSync(target, path.join(root, name));
    summary = await importFolder(library, { root, labelsFromFolders: false }, quietContext());
  });

  it('imports every decodable file, whatever its extension, colour space or size', () => {
    const names = (library.db.prepare('SELECT file_name FROM photos ORDER BY file_name').pluck().all() as string[]).sort();
    expect(names).toEqual([...IMPORTED].sort());
    expect(summary.added).toBe(IMPORTED.length);
    expect(rowByName(library, 'huge_9000x6000.jpg')).toMatchObject({ width: 9000, height: 6000 });
    expect(rowByName(library, 'tiny_8x8.jpg')).toMatchObject({ width: 8, height: 8 });
    expect(library.db.prepare(`SELECT format FROM photos WHERE file_name = 'png_content_with_jpg_ext.jpg'`).pluck().get()).toBe('png');
  });

  it('lists every other file as skipped with a clear reason', () => {
    expect(reasonFor(summary, 'zero_bytes.jpg')).toBe('empty file (0 bytes)');
    expect(reasonFor(summary, 'truncated_60KB_of_555KB.jpg')).toMatch(/^truncated JPEG: the file ends before its image data does/);
    expect(reasonFor(summary, 'text_with_jpg_ext.jpg')).toBe('not an image: no known image format (starts with text "not an image")');
    expect(reasonFor(summary, 'dangling_symlink.jpg')).toBe('broken symbolic link → does-not-exist.jpg');
    expect(reasonFor(summary, 'heic_real.heic')).toBe(
      "HEIC/HEVC is not supported by this build's decoder (libvips without HEVC); convert to JPEG",
    );
    expect(summary.skipped).toHaveLength(5);
  });

  it('counts the symbolic link to rot6.jpg as an alias, not a second photo', () => {
    expect(summary.aliases).toBe(1);
    expect(summary.scanned).toBe(IMPORTED.length + 5 + 1);
  });

  it('stores rot6.jpg (pixels 384×512, EXIF orientation 6) upright: 512×384 and a rotated thumbnail', async () => {
    const row = rowByName(library, 'rot6.jpg')!;
    expect(row).toMatchObject({ width: 512, height: 384 });
    const thumb = await sharp(thumbnailPath(library.paths, row.content_hash)).raw().toBuffer({ resolveWithObject: true });
    expect([thumb.info.width, thumb.info.height]).toEqual([256, 192]);
    // reference: the stored pixels turned 90° clockwise explicitly, without reading the EXIF tag
    const file = path.join(root, 'rot6.jpg');
    const rotated = await sharp(await sharp(file).rotate(90).toBuffer()).resize(256, 192, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    const unrotated = await sharp(file).resize(256, 192, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    const meanDiff = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - (b[i] ?? 0)), 0) / a.length;
    expect(meanDiff(thumb.data, rotated)).toBeLessThan(6);
    expect(meanDiff(thumb.data, unrotated)).toBeGreaterThan(20);
  });

  it('makes a thumbnail no larger than the original', async () => {
    const row = rowByName(library, 'tiny_8x8.jpg')!;
    const meta = await sharp(thumbnailPath(library.paths, row.content_hash)).metadata();
    expect([meta.width, meta.height]).toEqual([8, 8]);
  });
});

describe('importFolder on the shared bad-inputs folder as stored', () => {
  const library = openTempLibrary();

  it('never throws and accounts for every file it scanned', async () => {
    const summary = await importFolder(library, { root: BAD_INPUTS, labelsFromFolders: false }, quietContext());
    expect(summary.added + summary.aliases + summary.skipped.length).toBe(summary.scanned);
    expect(summary.scanned).toBe(fs.readdirSync(BAD_INPUTS).length);
    expect(summary.added).toBe(IMPORTED.length);
    expect(summary.aliases).toBe(0);
    expect(summary.skipped.map((s) => path.basename(s.path)).sort()).toEqual(
      ['heic_real.heic', 'text_with_jpg_ext.jpg', 'truncated_60KB_of_555KB.jpg', 'zero_bytes.jpg'],
    );
  });
});
