// Watched folders on a trained library: a photo copied into the folder is imported and predicted by the latest run,
// a bad file is named once and the rest goes on, and `studio serve --watch DIR` prints both. Every wait is on an
// event (the import's report, a printed line), never on a sleep.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../src-main/api/schemas.js';
import { openStudio, type Studio } from '../../src-main/core/studio.js';
import { copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { REPO_DIR } from '../helpers/studio-browser.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const WEIGHTS = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');
const HIKE = path.join(SHARED_DIR, 'photos', 'hike-unlabeled');
const BAD = path.join(SHARED_DIR, 'bad-inputs', 'text_with_jpg_ext.jpg');
const SLOW = { timeout: 300_000 };
const tmp = makeTempDir('studio-watch-');
const library = path.join(tmp, 'library');
const hikeNames = fs.readdirSync(HIKE).sort();

let core: Studio;
let runId: number;

beforeAll(async () => {
  const subset = copyAlpacaSubset(path.join(tmp, 'subset'), 6);
  const lib = (...argv: string[]) => runCli(...argv, '--library', library);
  expect((await lib('import', subset, '--labels-from-folders')).code).toBe(0);
  const train = await lib('train', '--weights', WEIGHTS, '--alpha', '0.35', '--input-size', '96', '--resize', 'fill', '--mirror', 'off', '--epochs', '3', '--kfold', '0', '--val-split', '0.3', '--json');
  expect(train.code, train.stderr).toBe(0);
  runId = train.json<{ id: number }>().id;
  core = openStudio(library);
}, 600_000);

afterAll(async () => {
  await core?.close();
});

/** Imports reported by a watch, awaited one by one. */
function importQueue() {
  const waiting: ((summary: ImportSummary) => void)[] = [];
  const arrived: ImportSummary[] = [];
  return {
    onImport(summary: ImportSummary) {
      const next = waiting.shift();
      if (next) next(summary);
      else arrived.push(summary);
    },
    /** the next import that brought a photo in (first imports of an empty folder bring none) */
    async nextWithPhotos(): Promise<ImportSummary> {
      for (;;) {
        const summary = arrived.shift() ?? (await new Promise<ImportSummary>((resolve) => waiting.push(resolve)));
        if (summary.added + summary.skipped.length > 0) return summary;
      }
    },
  };
}

describe('a watched folder', () => {
  it('imports a photo copied into it and predicts it with the latest run', SLOW, async () => {
    const dir = path.join(tmp, 'watched');
    fs.mkdirSync(dir);
    const imports = importQueue();
    const errors: string[] = [];
    const watch = core.watch(dir, { debounceMs: 200, onImport: imports.onImport, onError: (e) => errors.push(e.message) });
    try {
      fs.copyFileSync(path.join(HIKE, hikeNames[0]!), path.join(dir, hikeNames[0]!));
      const summary = await imports.nextWithPhotos();
      expect(summary.added).toBe(1);
      expect(summary.predictions).toEqual({ runId, predicted: 1, skipped: [], cancelled: false, error: null });
      const { items } = await core.api['photos.list']({ folder: dir, limit: 10, offset: 0, sort: 'name', descending: false });
      expect(items.map((p) => [p.fileName, p.prediction?.runId])).toEqual([[hikeNames[0], runId]]);

      fs.mkdirSync(path.join(dir, 'day-2'));
      fs.copyFileSync(BAD, path.join(dir, 'day-2', 'broken.jpg'));
      fs.copyFileSync(path.join(HIKE, hikeNames[1]!), path.join(dir, 'day-2', hikeNames[1]!));
      let next = await imports.nextWithPhotos();
      // the two copies may land in one import or two
      while (next.added === 0 || next.skipped.length === 0) {
        const more = await imports.nextWithPhotos();
        next = { ...more, added: next.added + more.added, skipped: [...next.skipped, ...more.skipped], predictions: more.predictions };
      }
      expect(next.added).toBe(1);
      expect(next.skipped).toEqual([expect.objectContaining({ path: path.join(fs.realpathSync(dir), 'day-2', 'broken.jpg') })]);
      const after = await core.api['photos.list']({ folder: dir, limit: 10, offset: 0, sort: 'name', descending: false });
      expect(after.items.map((p) => p.prediction?.runId)).toEqual([runId, runId]);
      expect(errors).toEqual([]);
    } finally {
      watch.close();
    }
  });

  it('is refused when the folder does not exist', () => {
    expect(() => core.watch(path.join(tmp, 'nowhere'), { onImport: () => undefined, onError: () => undefined })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('studio serve --watch DIR', () => {
  it('prints a line when a copied photo is imported and predicted, and one line naming a bad file', SLOW, async () => {
    const dir = path.join(tmp, 'served');
    fs.mkdirSync(dir);
    const child = spawn(process.execPath, [path.join(REPO_DIR, 'bin/studio.js'), 'serve', '--library', library, '--port', '0', '--watch', dir], { cwd: REPO_DIR, stdio: ['ignore', 'ignore', 'pipe'] });
    const lines: string[] = [];
    const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      lines.push(line);
      for (const w of waiters.filter((x) => x.match.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    });
    const lineMatching = (match: RegExp) => {
      const seen = lines.find((l) => match.test(l));
      return seen !== undefined ? Promise.resolve(seen) : new Promise<string>((resolve) => waiters.push({ match, resolve }));
    };
    try {
      await lineMatching(/^Watching /);
      fs.copyFileSync(path.join(HIKE, hikeNames[2]!), path.join(dir, hikeNames[2]!));
      expect(await lineMatching(/1 added/)).toMatch(new RegExp(`predicted 1 with run ${runId}$`));
      fs.copyFileSync(BAD, path.join(dir, 'broken.jpg'));
      expect(await lineMatching(/skipped/)).toMatch(/skipped .*broken\.jpg: /);
      expect(lines.filter((l) => /broken\.jpg/.test(l))).toHaveLength(1);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
