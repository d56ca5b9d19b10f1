// `studio curate … ID|PATH…` (and `selection.photoIds` behind it): exactly the photos named are curated, in a tree that
// holds only them, the originals keep their bytes; ids with filters, unknown ids and paths outside the library are
// refused in one line with their exit code.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CurateReport } from '../../src-main/api/curate-schemas.js';
import type { PhotoPage } from '../../src-main/api/schemas.js';
import { runCli as studio } from '../helpers/run-cli.js';
import { copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { fingerprintFiles, filesUnder } from '../helpers/file-fingerprints.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const PER_CLASS = 4;
const tmp = makeTempDir('studio-curate-ids-');
const library = path.join(tmp, 'library');
const subset = path.join(tmp, 'subset');
const lib = (...argv: string[]) => studio(...argv, '--library', library);

const fingerprint = () => fingerprintFiles(subset);

let before: Map<string, string>;
let photos: PhotoPage['items'];

beforeAll(async () => {
  copyAlpacaSubset(subset, PER_CLASS);
  before = fingerprint();
  expect((await lib('import', subset, '--labels-from-folders')).code).toBe(0);
  photos = (await lib('photos', '--sort', 'id', '--json')).json<PhotoPage>().items;
  expect(photos).toHaveLength(2 * PER_CLASS);
}, 300_000);

describe('studio curate with photo ids', () => {
  it('copies exactly the three photos named (two by id, one by path) into their class folders', async () => {
    const chosen = [photos.find((p) => p.className === 'alpaca')!, ...photos.filter((p) => p.className === 'not_alpaca').slice(0, 2)];
    const out = path.join(tmp, 'chosen');
    const run = await lib('curate', 'copy', '--out', out, String(chosen[0]!.id), String(chosen[1]!.id), chosen[2]!.path, '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = run.json<CurateReport>();
    expect(report.counts).toEqual({ alpaca: 1, not_alpaca: 2 });
    expect(report.planned.map((p) => p.photoId).sort((a, b) => a - b)).toEqual(chosen.map((p) => p.id).sort((a, b) => a - b));
    const tree = filesUnder(out).map((f) => path.relative(out, f)).sort();
    expect(tree).toEqual(chosen.map((p) => path.join(p.className!, p.fileName)).sort());
    for (const p of chosen) expect(fs.readFileSync(path.join(out, p.className!, p.fileName))).toEqual(fs.readFileSync(p.path));
    expect(fingerprint()).toEqual(before);
  });

  it('lists only the named photos in a dry run of a table', async () => {
    const out = path.join(tmp, 'two.csv');
    const dry = await lib('curate', 'table', '--out', out, String(photos[0]!.id), String(photos[5]!.id), '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json<CurateReport>().counts).toEqual({ rows: 2 });
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses ids together with a filter, naming the filter, and writes nothing', async () => {
    const out = path.join(tmp, 'both');
    const run = await lib('curate', 'copy', '--out', out, String(photos[0]!.id), '--class', 'alpaca');
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('studio curate: Give photo ids/paths or filters (--class), not both');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses unknown ids in one line naming them, before writing anything', async () => {
    const out = path.join(tmp, 'unknown');
    const run = await lib('curate', 'copy', '--out', out, String(photos[0]!.id), '99998', '99999');
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('No photo with id 99998, 99999');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses a path that is not a library photo', async () => {
    const stranger = path.join(tmp, 'stranger.jpg');
    fs.copyFileSync(photos[0]!.path, stranger);
    const run = await lib('curate', 'xmp', stranger, '--dry-run');
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Not in the library: ${stranger}`);
    expect(fs.existsSync(`${stranger.slice(0, -4)}.xmp`)).toBe(false);
  });
});
