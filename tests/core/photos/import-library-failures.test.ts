// Failures of the library itself stop an import with one error naming the library folder, keep the summary of what
// was done, and are never blamed on photos (issue 10, item 6). Disk full and read-only are real: a tiny tmpfs and a
// read-only bind mount over the cache folder, made in a user+mount namespace (`unshare -Urm`, no privileges needed)
// around a real `studio import`; a database at its size limit is SQLite's own SQLITE_FULL (PRAGMA max_page_count).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../src-main/api/schemas.js';
import type { StudioError } from '../../../src-main/api/errors.js';
import { openLibrary, type Library } from '../../../src-main/core/library/library.js';
import { IMPORT_BATCH_SIZE, importFolder } from '../../../src-main/core/photos/import-folder.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { writeGeneratedPhotos } from './generated-photos.js';
import { quietContext } from './import-helpers.js';

const STUDIO = fileURLToPath(new URL('../../../bin/studio.js', import.meta.url));
const PHOTOS = 3 * IMPORT_BATCH_SIZE;
const photoCount = (library: Library) => library.db.prepare('SELECT COUNT(*) FROM photos').pluck().get() as number;

async function photoFolder(): Promise<string> {
  const root = makeTempDir('library-failure-root-');
  await writeGeneratedPhotos(root, PHOTOS);
  return root;
}

/** Runs importFolder, calling `breakLibrary` once, synchronously, when `atDone` files are done; returns the error. */
async function importBrokenAt(library: Library, root: string, atDone: number, breakLibrary: () => void): Promise<StudioError> {
  const ctx = quietContext();
  const report = ctx.report.bind(ctx);
  ctx.report = (update) => {
    if (update.stage === 'import' && update.done === atDone) breakLibrary();
    report(update);
  };
  return (await importFolder(library, { root, labelsFromFolders: true }, ctx).then(
    () => expect.unreachable('the import should stop'),
    (error: unknown) => error,
  )) as StudioError;
}

describe('importFolder when the library fails', () => {
  it('stops with one library error when its cache folder becomes unwritable mid-import, keeping the committed photos', async () => {
    const root = await photoFolder();
    const library = openLibrary(makeTempDir('library-failure-lib-'));
    try {
      // as root, chmod does not stop writes: a path component that is a regular file does (ENOTDIR)
      const error = await importBrokenAt(library, root, IMPORT_BATCH_SIZE + 1, () => {
        fs.renameSync(library.paths.thumbnails, `${library.paths.thumbnails}.moved-away`);
        fs.writeFileSync(library.paths.thumbnails, 'not a folder');
      });
      expect(error).toMatchObject({ code: 'UNAVAILABLE' });
      expect(error.message).toBe(`Cannot write to the library folder ${library.paths.root}: a part of its path is a file, not a folder (ENOTDIR)`);
      const summary = (error.details as { partialResult: ImportSummary }).partialResult;
      expect(summary.skipped).toEqual([]);
      expect(summary.added).toBeGreaterThanOrEqual(IMPORT_BATCH_SIZE);
      expect(summary.added).toBeLessThan(PHOTOS);
      expect(photoCount(library)).toBe(summary.added);
    } finally {
      library.close();
    }
  });

  it('stops with one library error when the database is full, keeping the batches committed before', async () => {
    const root = await photoFolder();
    const library = openLibrary(makeTempDir('library-full-db-'));
    try {
      const error = await importBrokenAt(library, root, IMPORT_BATCH_SIZE + 1, () => {
        library.db.pragma(`max_page_count = ${library.db.pragma('page_count', { simple: true }) as number}`);
      });
      expect(error).toMatchObject({ code: 'UNAVAILABLE' });
      expect(error.message).toMatch(new RegExp(`^Cannot write to the library folder ${library.paths.root}: the database is full.*\\(SQLITE_FULL\\)$`));
      const summary = (error.details as { partialResult: ImportSummary }).partialResult;
      // the batch that hit the limit is not counted; files finished after it may still fit in the pages left
      expect(summary).toMatchObject({ skipped: [], cancelled: false });
      expect(summary.added).toBeGreaterThanOrEqual(IMPORT_BATCH_SIZE);
      expect(summary.added).toBeLessThan(2 * IMPORT_BATCH_SIZE);
      expect(photoCount(library)).toBe(summary.added);
    } finally {
      library.close();
    }
  });

  it('still lists a bad photo as skipped with its own reason while the library is fine', async () => {
    const root = await photoFolder();
    fs.writeFileSync(path.join(root, 'a', 'not-a-photo.jpg'), 'text');
    const library = openLibrary(makeTempDir('library-fine-'));
    try {
      const summary = await importFolder(library, { root, labelsFromFolders: false }, quietContext());
      expect(summary.added).toBe(PHOTOS);
      expect(summary.skipped).toEqual([{ path: path.join(fs.realpathSync(root), 'a', 'not-a-photo.jpg'), reason: expect.stringMatching(/^not an image/) }]);
    } finally {
      library.close();
    }
  });
});

describe('studio import when the cache folder is full or read-only', () => {
  /** `studio import --json` in a private mount namespace where `mount` (a shell snippet) covers the thumbnails folder. */
  async function importUnder(mount: string) {
    const root = await photoFolder();
    const libraryDir = makeTempDir('library-mounted-');
    openLibrary(libraryDir).close();
    const thumbnails = path.join(libraryDir, 'thumbnails');
    const script = `${mount} && exec "$0" "$1" import "$2" --library "$3" --json`;
    const run = spawnSync('unshare', ['-Urm', 'sh', '-c', script.replaceAll('THUMBS', '"$4"'), process.execPath, STUDIO, root, libraryDir, thumbnails], {
      encoding: 'utf8',
    });
    const library = openLibrary(libraryDir);
    const rows = photoCount(library);
    library.close();
    return { run, libraryDir, rows, summary: run.stdout ? (JSON.parse(run.stdout) as ImportSummary) : null };
  }

  it('a full disk (a 64 KiB tmpfs) stops the import: exit 6, one line naming the library, the summary printed', async () => {
    const { run, libraryDir, rows, summary } = await importUnder('mount -t tmpfs -o size=64k tmpfs THUMBS');
    expect(run.status, run.stderr).toBe(6);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(`studio import: Cannot write to the library folder ${libraryDir}: no space left on the disk (ENOSPC)`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(summary?.skipped).toEqual([]);
    expect(summary?.added).toBeGreaterThan(0);
    expect(summary?.added).toBeLessThan(PHOTOS);
    expect(rows).toBe(summary?.added);
  });

  it('a read-only cache folder (a read-only bind mount) stops the import: exit 6, no photo blamed', async () => {
    const { run, libraryDir, rows, summary } = await importUnder('mount --bind THUMBS THUMBS && mount -o remount,bind,ro THUMBS');
    expect(run.status, run.stderr).toBe(6);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(`studio import: Cannot write to the library folder ${libraryDir}: the file system is read-only (EROFS)`);
    expect(summary).toMatchObject({ added: 0, skipped: [] });
    expect(rows).toBe(0);
  });
});
