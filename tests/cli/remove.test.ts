// `studio remove`: by id or path, by folder, the missing ones; --dry-run lists and changes nothing; --undo puts a
// removal back with its labels; the files on disk keep their bytes and modification times.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { runCli as studio } from '../helpers/run-cli.js';
import { fingerprintFiles } from '../helpers/file-fingerprints.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('studio remove', () => {
  const tmp = makeTempDir('cli-remove-');
  const library = path.join(tmp, 'library');
  const photos = copyAlpacaSubset(path.join(tmp, 'photos'), 5);
  const lib = ['--library', library];
  const classCounts = async () =>
    Object.fromEntries((await studio('stats', ...lib, '--json')).json().classes.map((c: { name: string; photoCount: number }) => [c.name, c.photoCount]));

  it('lists a folder on a dry run and changes nothing', async () => {
    expect((await studio('import', photos, '--labels-from-folders', ...lib)).code).toBe(0);
    const dry = await studio('remove', '--folder', path.join(photos, 'not_alpaca'), '--dry-run', ...lib);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Would remove 5 photo\(s\) in .*not_alpaca from the library \(5 labeled\)/);
    expect(dry.stdout.split('\n').filter((line) => line.includes(`${path.sep}not_alpaca${path.sep}`))).toHaveLength(5);
    expect(dry.stdout).toContain('Dry run: nothing was changed.');
    expect(await classCounts()).toEqual({ alpaca: 5, not_alpaca: 5 });
  });

  it('removes a folder, prints how to undo it, and --undo restores the photos with their labels', async () => {
    const files = fingerprintFiles(photos);
    const removed = await studio('remove', '--folder', path.join(photos, 'not_alpaca'), ...lib);
    expect(removed.code).toBe(0);
    const undoLine = removed.stdout.match(/Undo with: (studio remove --undo (\d+))/);
    expect(undoLine).not.toBeNull();
    expect(await classCounts()).toEqual({ alpaca: 5, not_alpaca: 0 });
    expect(fingerprintFiles(photos)).toEqual(files);

    const restored = await studio('remove', '--undo', undoLine![2]!, ...lib);
    expect(restored.stdout).toContain(`Restored 5 photo(s) of removal ${undoLine![2]} with their labels.`);
    expect(await classCounts()).toEqual({ alpaca: 5, not_alpaca: 5 });
    expect(fingerprintFiles(photos)).toEqual(files);
  });

  it('removes photos named by id and by path, and a plain --undo restores the latest removal', async () => {
    const page = (await studio('photos', '--class', 'alpaca', ...lib, '--json')).json();
    const [first, second] = page.items as Array<{ id: number; path: string }>;
    const removed = await studio('remove', String(first!.id), second!.path, ...lib, '--json');
    expect(removed.json()).toMatchObject({ count: 2, labeled: 2, scope: 'ids', dryRun: false });
    expect((await studio('stats', ...lib, '--json')).json().photos).toBe(8);
    expect((await studio('remove', '--undo', ...lib, '--json')).json()).toMatchObject({ removalId: removed.json().removalId, restored: 2 });
    expect((await studio('stats', ...lib, '--json')).json().photos).toBe(10);
  });

  it('removes the photos whose files are gone', async () => {
    const gone = path.join(photos, 'alpaca', fs.readdirSync(path.join(photos, 'alpaca'))[0]!);
    fs.rmSync(gone);
    await studio('import', photos, '--labels-from-folders', ...lib);
    const removed = await studio('remove', '--missing', ...lib, '--json');
    expect(removed.json().photos.map((p: { path: string }) => p.path)).toEqual([gone]);
    expect((await studio('stats', ...lib, '--json')).json().byStatus).toMatchObject({ ok: 9, missing: 0 });
  });

  it('answers bad input with one line and its exit code', async () => {
    const both = await studio('remove', '1', '--missing', ...lib);
    expect([both.code, both.stderr.trim()]).toEqual([2, expect.stringMatching(/^studio remove: usage: studio remove \(/)]);
    const unknown = await studio('remove', '999999', ...lib);
    expect([unknown.code, unknown.stderr.trim()]).toEqual([3, expect.stringContaining('No photo with id 999999')]);
    const nothing = await studio('remove', '--undo', '424242', ...lib);
    expect([nothing.code, nothing.stderr.trim()]).toEqual([3, expect.stringContaining('No removal with id 424242')]);
    expect(nothing.stderr.trim().split('\n')).toHaveLength(1);
  });
});
