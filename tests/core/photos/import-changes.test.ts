// Re-importing a folder whose files were moved, changed, deleted, restored, linked or copied.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findClassByName } from '../../../src-main/core/library/classes.js';
import { openLibrary } from '../../../src-main/core/library/library.js';
import { setLabels } from '../../../src-main/core/library/labels.js';
import { modelInputPath, thumbnailPath } from '../../../src-main/core/photos/derived-files.js';
import { importFolder } from '../../../src-main/core/photos/import-folder.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';
import { copyInto, openTempLibrary, quietContext, rowByName } from './import-helpers.js';

const alpaca = (name: string) => path.join(SHARED_DIR, 'datasets', 'alpaca', 'alpaca', name);
const notAlpaca = (name: string) => path.join(SHARED_DIR, 'datasets', 'alpaca', 'not_alpaca', name);
const ONE = alpaca('01ad3ff1d94eb557.jpg');
const TWO = alpaca('0346463867a297f4.jpg');
const THREE = notAlpaca(fs.readdirSync(path.dirname(notAlpaca('x'))).sort()[0]!);
const OTHER = notAlpaca(fs.readdirSync(path.dirname(notAlpaca('x'))).sort()[1]!);

describe('importFolder on a folder that changes between imports', () => {
  const library = openTempLibrary();
  const root = makeTempDir('import-root-');
  const run = () => importFolder(library, { root, labelsFromFolders: true }, quietContext());
  const at = (relative: string) => path.join(fs.realpathSync(root), relative);

  beforeAll(async () => {
    copyInto(root, { 'cats/one.jpg': ONE, 'cats/two.jpg': TWO, 'dogs/three.jpg': THREE, 'loose.jpg': OTHER });
    const first = await run();
    expect(first).toMatchObject({ added: 4, labeled: 3 });
  });

  it('leaves files directly in the root unlabeled', () => {
    expect(rowByName(library, 'loose.jpg')?.class_name).toBeNull();
    expect(rowByName(library, 'one.jpg')?.class_name).toBe('cats');
  });

  it('recognises a moved file by its content and keeps its id and label', async () => {
    const before = rowByName(library, 'one.jpg')!;
    fs.renameSync(at('cats/one.jpg'), at('dogs/moved-one.jpg'));
    const summary = await run();
    expect(summary).toMatchObject({ moved: 1, added: 0, markedMissing: 0, unchanged: 3 });
    const after = rowByName(library, 'moved-one.jpg')!;
    expect(after).toMatchObject({ id: before.id, path: at('dogs/moved-one.jpg'), status: 'ok', class_name: 'cats' });
  });

  it('updates a changed file in place: new hash and thumbnail, same id and label', async () => {
    const before = rowByName(library, 'two.jpg')!;
    fs.copyFileSync(OTHER, at('cats/two.jpg'));
    fs.utimesSync(at('cats/two.jpg'), new Date(), new Date(Date.now() + 5000));
    const summary = await run();
    expect(summary).toMatchObject({ updated: 1, added: 0, moved: 0 });
    const after = rowByName(library, 'two.jpg')!;
    expect(after.id).toBe(before.id);
    expect(after.content_hash).not.toBe(before.content_hash);
    expect(after.class_name).toBe('cats');
    expect(fs.existsSync(thumbnailPath(library.paths, after.content_hash))).toBe(true);
    expect(fs.existsSync(modelInputPath(library.paths, after.content_hash))).toBe(true);
  });

  it('keeps two paths with identical content as two photos in one near-duplicate group', () => {
    const changed = rowByName(library, 'two.jpg')!;
    const loose = rowByName(library, 'loose.jpg')!;
    expect(changed.id).not.toBe(loose.id);
    expect(changed.content_hash).toBe(loose.content_hash);
    expect(changed.dup_group).toBe(Math.min(changed.id, loose.id));
    expect(loose.dup_group).toBe(changed.dup_group);
  });

  it('marks a vanished file missing but keeps its row and label', async () => {
    fs.rmSync(at('dogs/three.jpg'));
    const summary = await run();
    expect(summary).toMatchObject({ markedMissing: 1, added: 0 });
    expect(rowByName(library, 'three.jpg')).toMatchObject({ status: 'missing', class_name: 'dogs' });
  });

  it('brings a missing file that comes back to ok', async () => {
    fs.copyFileSync(THREE, at('dogs/three.jpg'));
    const summary = await run();
    expect(summary).toMatchObject({ restored: 1, added: 0, markedMissing: 0 });
    expect(rowByName(library, 'three.jpg')).toMatchObject({ status: 'ok', status_reason: null, class_name: 'dogs' });
  });

  it('does not import a symbolic link or a hard link to an imported file a second time', async () => {
    fs.symlinkSync(at('cats/two.jpg'), at('cats/link-to-two.jpg'));
    fs.linkSync(at('dogs/three.jpg'), at('dogs/hard-three.jpg'));
    const summary = await run();
    expect(summary).toMatchObject({ aliases: 2, added: 0 });
    expect(library.db.prepare('SELECT COUNT(*) FROM photos').pluck().get()).toBe(4);
  });

  it('never overwrites a label the user set or cleared', async () => {
    const dogs = findClassByName(library.db, 'dogs')!.id;
    const two = rowByName(library, 'two.jpg')!;
    const three = rowByName(library, 'three.jpg')!;
    setLabels(library.db, { photoIds: [two.id], classId: dogs, source: 'user' });
    setLabels(library.db, { photoIds: [three.id], classId: null, source: 'user' });
    const summary = await run();
    expect(summary.labeled).toBe(0);
    expect(rowByName(library, 'two.jpg')?.class_name).toBe('dogs');
    expect(rowByName(library, 'three.jpg')?.class_name).toBeNull();
  });

  it('marks a known photo whose file became unreadable, keeps it, and lists it as skipped', async () => {
    fs.writeFileSync(at('cats/two.jpg'), 'no longer a photo');
    const summary = await run();
    expect(summary.skipped).toEqual([{ path: at('cats/two.jpg'), reason: expect.stringMatching(/^not an image: /) }]);
    expect(rowByName(library, 'two.jpg')).toMatchObject({ status: 'unreadable', class_name: 'dogs' });
  });
});

describe('importFolder on a folder that contains the library itself', () => {
  it('imports the photos but not the library’s own thumbnails', async () => {
    const root = makeTempDir('import-root-with-library-');
    copyInto(root, { 'trip/one.jpg': ONE });
    const library = openLibrary(path.join(root, 'studio-library'));
    try {
      await importFolder(library, { root, labelsFromFolders: false }, quietContext());
      const again = await importFolder(library, { root, labelsFromFolders: false }, quietContext());
      expect(again).toMatchObject({ scanned: 1, unchanged: 1, added: 0 });
      expect(fs.readdirSync(library.paths.thumbnails, { recursive: true }).length).toBeGreaterThan(0);
    } finally {
      library.close();
    }
  });
});

describe('importFolder given something that is not a folder', () => {
  const library = openTempLibrary();

  it('refuses a path that does not exist with INVALID_INPUT', async () => {
    const missing = path.join(makeTempDir('no-such-'), 'nowhere');
    await expect(importFolder(library, { root: missing, labelsFromFolders: false }, quietContext())).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('not found'),
    });
  });

  it('refuses a file with INVALID_INPUT', async () => {
    await expect(importFolder(library, { root: ONE, labelsFromFolders: false }, quietContext())).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('not a folder'),
    });
  });
});

describe('importFolder after photos traded names', () => {
  const library = openTempLibrary();
  const root = makeTempDir('import-swap-root-');
  const run = () => importFolder(library, { root, labelsFromFolders: true }, quietContext());
  const at = (relative: string) => path.join(fs.realpathSync(root), relative);
  const byHash = (hash: string) =>
    library.db
      .prepare('SELECT p.id, p.path, c.name AS class_name FROM photos p LEFT JOIN labels l ON l.photo_id = p.id LEFT JOIN classes c ON c.id = l.class_id WHERE p.content_hash = ?')
      .get(hash) as { id: number; path: string; class_name: string | null };

  it('keeps each label with its picture when two files swap names', async () => {
    copyInto(root, { 'cats/a.jpg': ONE, 'dogs/b.jpg': THREE });
    expect(await run()).toMatchObject({ added: 2, labeled: 2 });
    const a = rowByName(library, 'a.jpg')!;
    const b = rowByName(library, 'b.jpg')!;
    fs.renameSync(at('cats/a.jpg'), at('swap.tmp'));
    fs.renameSync(at('dogs/b.jpg'), at('cats/a.jpg'));
    fs.renameSync(at('swap.tmp'), at('dogs/b.jpg'));

    const summary = await run();
    expect(summary).toMatchObject({ moved: 2, updated: 0, added: 0, markedMissing: 0 });
    expect(byHash(a.content_hash)).toEqual({ id: a.id, path: at('dogs/b.jpg'), class_name: 'cats' });
    expect(byHash(b.content_hash)).toEqual({ id: b.id, path: at('cats/a.jpg'), class_name: 'dogs' });
    expect(library.db.prepare('SELECT COUNT(*) FROM photos').pluck().get()).toBe(2);
  });

  it('keeps each label with its picture when one file is renamed away and another takes its name', async () => {
    const first = rowByName(library, 'a.jpg')!; // now holds THREE, labeled dogs
    const second = rowByName(library, 'b.jpg')!; // now holds ONE, labeled cats
    fs.renameSync(at('cats/a.jpg'), at('cats/c.jpg'));
    fs.renameSync(at('dogs/b.jpg'), at('cats/a.jpg'));

    const summary = await run();
    expect(summary).toMatchObject({ moved: 2, updated: 0, added: 0, markedMissing: 0 });
    expect(byHash(first.content_hash)).toEqual({ id: first.id, path: at('cats/c.jpg'), class_name: 'dogs' });
    expect(byHash(second.content_hash)).toEqual({ id: second.id, path: at('cats/a.jpg'), class_name: 'cats' });
  });

  it('still updates a file in place when a copy of another photo overwrites it', async () => {
    const overwritten = rowByName(library, 'c.jpg')!;
    const kept = rowByName(library, 'a.jpg')!;
    fs.copyFileSync(at('cats/a.jpg'), at('cats/c.jpg'));
    const summary = await run();
    expect(summary).toMatchObject({ updated: 1, moved: 0, added: 0 });
    expect(rowByName(library, 'c.jpg')).toMatchObject({ id: overwritten.id, content_hash: kept.content_hash, class_name: 'dogs' });
    expect(rowByName(library, 'a.jpg')).toMatchObject({ id: kept.id, class_name: 'cats' });
  });
});
