import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { runCli as studio } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ALPACA = path.join(SHARED_DIR, 'datasets', 'alpaca');
const BAD_INPUTS = path.join(SHARED_DIR, 'bad-inputs');

describe('studio CLI', () => {
  const tmp = makeTempDir();
  const library = path.join(tmp, 'library');

  it('imports the alpaca set with labels from folders and reports the counts and the near-duplicate pair', async () => {
    const imported = await studio('import', ALPACA, '--labels-from-folders', '--library', library, '--json');
    expect(imported.code).toBe(0);
    expect(imported.json()).toMatchObject({ added: 327, labeled: 327, skipped: [] });
    expect(imported.stderr).toMatch(/import: 327\/327 100%/);

    const stats = (await studio('stats', '--library', library, '--json')).json();
    expect(stats.photos).toBe(327);
    expect(Object.fromEntries(stats.classes.map((c: { name: string; photoCount: number }) => [c.name, c.photoCount]))).toEqual({ alpaca: 142, not_alpaca: 185 });
    const group = (await studio('photos', '--duplicates', '--library', library, '--json')).json();
    expect(group.items.map((p: { fileName: string }) => p.fileName).sort()).toEqual(['09915aad4cd6bf0d.jpg', '5f843228ab49d81b.jpg']);
  });

  it('adds nothing on a second import of the same folder', async () => {
    const again = (await studio('import', ALPACA, '--labels-from-folders', '--library', library, '--json')).json();
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 327, labeled: 0 });
  });

  it('labels by id and by path, undoes and redoes', async () => {
    const photo = path.join(ALPACA, 'alpaca', '09915aad4cd6bf0d.jpg');
    const labeled = await studio('label', photo, '--class', 'not_alpaca', '--library', library, '--json');
    expect(labeled.json()).toMatchObject({ changed: 1 });
    const classOf = async () => (await studio('photos', '--class', 'not_alpaca', '--limit', '1000', '--library', library, '--json')).json().total;
    expect(await classOf()).toBe(186);
    expect((await studio('undo', '--library', library)).code).toBe(0);
    expect(await classOf()).toBe(185);
    expect((await studio('redo', '--library', library)).code).toBe(0);
    expect(await classOf()).toBe(186);
  });

  it('filters by a folder given through a symbolic link (photos are stored by real path)', async () => {
    const link = path.join(tmp, 'alpaca-link');
    fs.symlinkSync(ALPACA, link);
    const page = (await studio('photos', '--folder', path.join(link, 'alpaca'), '--limit', '1', '--library', library, '--json')).json();
    expect(page.total).toBe(142);
  });

  it('lists unlabeled photos after importing a folder without labels', async () => {
    await studio('import', path.join(SHARED_DIR, 'photos', 'hike-unlabeled'), '--library', library);
    const unlabeled = (await studio('photos', '--unlabeled', '--limit', '5', '--library', library, '--json')).json();
    expect(unlabeled.total).toBe(16);
    expect(unlabeled.items).toHaveLength(5);
  });

  it('lists the photos whose file name holds a text, in any case', async () => {
    const found = (await studio('photos', '--name', '09915AAD', '--library', library, '--json')).json();
    expect(found.items.map((p: { fileName: string }) => p.fileName)).toEqual(['09915aad4cd6bf0d.jpg']);
  });

  it('creates, renames, merges and deletes classes by name, keeping the photos', async () => {
    const lib = path.join(tmp, 'classes');
    await studio('import', path.join(SHARED_DIR, 'photos', 'hike-unlabeled'), '--library', lib);
    expect((await studio('classes', 'create', 'lake', '--library', lib)).code).toBe(0);
    expect((await studio('label', '1', '2', '3', '--class', 'forest', '--library', lib)).code).toBe(0);
    expect((await studio('classes', 'rename', 'forest', 'woods', '--library', lib)).code).toBe(0);
    const merged = (await studio('classes', 'merge', 'woods', 'lake', '--library', lib, '--json')).json();
    expect(merged).toMatchObject({ name: 'lake', photoCount: 3 });
    const deleted = await studio('classes', 'delete', 'lake', '--library', lib);
    expect(deleted.stdout).toMatch(/its 3 photo\(s\) are unlabeled now/);
    expect((await studio('classes', '--library', lib, '--json')).json()).toEqual([]);
    expect((await studio('stats', '--library', lib, '--json')).json()).toMatchObject({ photos: 16, unlabeled: 16 });
    expect((await studio('classes', 'rename', 'nope', 'x', '--library', lib)).code).toBe(3);
    expect((await studio('classes', 'explode', '--library', lib)).code).toBe(2);
  });

  it('exits 0 on bad inputs and names every skipped file with its reason', async () => {
    const result = await studio('import', BAD_INPUTS, '--library', path.join(tmp, 'bad'));
    expect(result.code).toBe(0);
    for (const name of ['zero_bytes.jpg', 'truncated_60KB_of_555KB.jpg', 'text_with_jpg_ext.jpg', 'heic_real.heic']) {
      expect(result.stdout).toMatch(new RegExp(`${name.replace('.', '\\.')}: \\S`));
    }
  });

  it('fails with a one-line reason and a non-zero code', async () => {
    const missing = await studio('import', path.join(tmp, 'nope'), '--library', library);
    expect(missing.code).toBe(3);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/Not a folder/);
    expect((await studio('label', '1', '--library', library)).code).toBe(2);
    expect((await studio('frobnicate')).code).toBe(2);
    expect((await studio('photos', '--limit', 'many', '--library', library)).stderr).toMatch(/--limit expects a whole number; received "many"/);
  });

  it('runs as the installed `studio` bin, with JSON on stdout only', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [path.join(REPO, 'bin', 'studio.js'), 'stats', '--library', library, '--json']);
    expect(JSON.parse(stdout).photos).toBe(343);
    expect(fs.existsSync(path.join(library, 'library.db'))).toBe(true);
  });
});
