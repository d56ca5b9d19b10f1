// previewImport: the classes labels-from-folders would create, counted by a scan that writes nothing; hidden
// folders and files left out; relative paths refused.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClass } from '../../../src-main/core/library/classes.js';
import { previewImport } from '../../../src-main/core/photos/preview-import.js';
import { scanFolder } from '../../../src-main/core/photos/scan-folder.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { copyInto, openTempLibrary } from './import-helpers.js';

const ALPACA_DIR = path.join(SHARED_DIR, 'datasets', 'alpaca');
const HIKE_DIR = path.join(SHARED_DIR, 'photos', 'hike-unlabeled');

function folderWithHiddenParts(): string {
  const dir = makeTempDir('preview-import-');
  copyInto(dir, {
    '2024-06-trip/Aqua.jpg': path.join(HIKE_DIR, 'Aqua.jpg'),
    '2024-06-trip/Dune.jpg': path.join(HIKE_DIR, 'Dune.jpg'),
    '2024-07-trip/Wood.jpg': path.join(HIKE_DIR, 'Wood.jpg'),
    'Storm.jpg': path.join(HIKE_DIR, 'Storm.jpg'),
    '.pyenv/icons/Garden.jpg': path.join(HIKE_DIR, 'Garden.jpg'),
    '2024-07-trip/.hidden.jpg': path.join(HIKE_DIR, 'Blinds.jpg'),
  });
  return dir;
}

describe('previewImport', () => {
  const library = openTempLibrary();

  it('lists the alpaca classes with their photo counts and writes nothing', async () => {
    createClass(library.db, 'alpaca');
    const preview = await previewImport(library.db, ALPACA_DIR);
    expect(preview.classes).toEqual([
      { name: 'alpaca', photos: 142, exists: true },
      { name: 'not_alpaca', photos: 185, exists: false },
    ]);
    expect(preview).toMatchObject({ photos: 327, unsorted: 0, hiddenSkipped: 0, complete: true });
    expect(library.db.prepare('SELECT COUNT(*) FROM photos').pluck().get()).toBe(0);
    expect(library.db.prepare('SELECT COUNT(*) FROM classes').pluck().get()).toBe(1);
  });

  it('leaves hidden folders and files out and counts them', async () => {
    const preview = await previewImport(library.db, folderWithHiddenParts());
    expect(preview.classes.map((c) => [c.name, c.photos])).toEqual([['2024-06-trip', 2], ['2024-07-trip', 1]]);
    expect(preview).toMatchObject({ photos: 4, unsorted: 1, hiddenSkipped: 2 });
  });

  it('stops at its time limit and says the counts are partial', async () => {
    const preview = await previewImport(library.db, ALPACA_DIR, { timeLimitMs: 0 });
    expect(preview.complete).toBe(false);
    expect(preview.photos).toBeLessThan(327);
  });

  it('refuses a relative path with a message that names it', async () => {
    await expect(previewImport(library.db, 'photos/2024')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('"photos/2024"') });
  });
});

describe('scanFolder and hidden entries', () => {
  it('lists each hidden folder and image file as skipped, and scans them when asked to', async () => {
    const dir = folderWithHiddenParts();
    const scan = await scanFolder(dir);
    expect(scan.files.map((f) => path.basename(f.path)).sort()).toEqual(['Aqua.jpg', 'Dune.jpg', 'Storm.jpg', 'Wood.jpg']);
    expect(scan.skipped.map((s) => path.relative(fs.realpathSync(dir), s.path)).sort()).toEqual(['.pyenv', '2024-07-trip/.hidden.jpg']);
    expect(scan.skipped.every((s) => s.reason.includes('hidden'))).toBe(true);
    const everything = await scanFolder(dir, { includeHidden: true });
    expect(everything.files).toHaveLength(6);
  });
});
