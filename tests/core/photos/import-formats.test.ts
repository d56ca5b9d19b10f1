// Formats beyond JPEG: an animated GIF (first frame), TIFF, AVIF, PNG and WebP, made with sharp in a temp folder.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createJobContext } from '../../../src-main/core/jobs/job-context.js';
import { openLibrary } from '../../../src-main/core/library/library.js';
import { thumbnailPath } from '../../../src-main/core/photos/derived-files.js';
import { importFolder } from '../../../src-main/core/photos/import-folder.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const solid = (color: string) => sharp({ create: { width: 64, height: 48, channels: 3, background: color } }).png().toBuffer();

describe('importFolder formats', () => {
  it('imports GIF (first frame), TIFF, AVIF, PNG and WebP with their displayed size and a thumbnail', async () => {
    const root = path.join(makeTempDir(), 'photos');
    fs.mkdirSync(root);
    const red = await solid('#ff0000');
    const blue = await solid('#0000ff');
    fs.writeFileSync(path.join(root, 'animated.gif'), await sharp([red, blue], { join: { animated: true } }).gif().toBuffer());
    fs.writeFileSync(path.join(root, 'scan.tif'), await sharp(red).tiff().toBuffer());
    fs.writeFileSync(path.join(root, 'phone.avif'), await sharp(red).avif().toBuffer());
    fs.writeFileSync(path.join(root, 'screen.png'), red);
    fs.writeFileSync(path.join(root, 'web.webp'), await sharp(red).webp().toBuffer());

    const library = openLibrary(path.join(makeTempDir(), 'library'));
    const summary = await importFolder(library, { root, labelsFromFolders: false }, createJobContext({}));
    expect(summary.skipped).toEqual([]);
    expect(summary.added).toBe(5);
    const rows = library.db.prepare('SELECT file_name, width, height, content_hash FROM photos ORDER BY file_name').all() as Array<{
      file_name: string;
      width: number;
      height: number;
      content_hash: string;
    }>;
    expect(rows.map((r) => [r.file_name, r.width, r.height])).toEqual([
      ['animated.gif', 64, 48],
      ['phone.avif', 64, 48],
      ['scan.tif', 64, 48],
      ['screen.png', 64, 48],
      ['web.webp', 64, 48],
    ]);
    // the GIF's thumbnail is its first (red) frame, not the frames stacked or the last one
    const gif = rows[0]!;
    const { data, info } = await sharp(thumbnailPath(library.paths, gif.content_hash)).raw().toBuffer({ resolveWithObject: true });
    expect(info.height).toBeLessThanOrEqual(info.width);
    const middle = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
    expect(data[middle]).toBeGreaterThan(200);
    expect(data[middle + 2]).toBeLessThan(50);
    library.close();
  });
});
