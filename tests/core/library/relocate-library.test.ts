// A library is a folder that can be moved or copied: run models are found relative to it, a copy uses its own.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { FolderPredictions } from '../../../src-main/api/training-schemas.js';
import { openLibrary } from '../../../src-main/core/library/library.js';
import { migrate } from '../../../src-main/core/library/migrate.js';
import { MIGRATIONS } from '../../../src-main/core/library/migrations/index.js';
import { getRunModelDir } from '../../../src-main/core/ml/runs/runs.js';
import { openStudio, type Studio } from '../../../src-main/core/studio.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';
import { copyAlpacaSubset } from '../../helpers/alpaca-subset.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const WEIGHTS_DIR = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');
const PER_CLASS = 6;

async function finished<T>(studio: Studio, started: Promise<{ jobId: string }>): Promise<T> {
  const state = await studio.jobs.wait((await started).jobId);
  expect(state?.error ?? null).toBeNull();
  expect(state?.status).toBe('done');
  return state!.result as T;
}

async function predictCount(studio: Studio, photos: string): Promise<number> {
  const result = await finished<FolderPredictions>(studio, studio.api['predict.folder']({ root: photos }));
  expect(result.skipped).toEqual([]);
  return result.items.length;
}

describe('moving and copying a library', () => {
  it('predicts and exports through a run trained before the folder was moved, and a copy uses its own model files', async () => {
    const temp = makeTempDir('relocate-');
    const photos = copyAlpacaSubset(path.join(temp, 'photos'), PER_CLASS);
    const original = path.join(temp, 'library');
    const studio = openStudio(original);
    await finished(studio, studio.api['photos.import']({ root: photos, labelsFromFolders: true }));
    await finished(studio, studio.api['training.start']({ epochs: 2, inputSize: 96, alpha: 0.35, weightsDir: WEIGHTS_DIR, backend: 'wasm' }));
    const [run] = await studio.api['runs.list']({});
    expect(run?.status).toBe('done');
    await studio.close();
    const stored = new BetterSqlite3(path.join(original, 'library.db'), { readonly: true });
    expect(stored.prepare('SELECT model_dir FROM runs WHERE id = ?').pluck().get(run!.id)).toBe(`models/run-${run!.id}`);
    stored.close();

    const moved = path.join(temp, 'moved', 'library');
    fs.mkdirSync(path.dirname(moved));
    fs.renameSync(original, moved);
    const reopened = openStudio(moved);
    expect(await predictCount(reopened, photos)).toBe(2 * PER_CLASS);
    const exported = await reopened.api['runs.export']({ runId: run!.id, outDir: path.join(temp, 'export') });
    expect(exported.classes).toEqual(['alpaca', 'not_alpaca']);
    for (const file of exported.files) expect(fs.existsSync(path.resolve(exported.outDir, file)), file).toBe(true);
    await reopened.close();

    const copy = path.join(temp, 'copy');
    fs.cpSync(moved, copy, { recursive: true });
    // the copy must not lean on the folder it came from
    fs.rmSync(path.join(moved, 'models', `run-${run!.id}`), { recursive: true });
    const copied = openStudio(copy);
    expect(getRunModelDir(copied.library.db, run!.id)).toBe(path.join(copy, 'models', `run-${run!.id}`));
    expect(await predictCount(copied, photos)).toBe(2 * PER_CLASS);
    await copied.close();
  }, 240_000);

  it('turns absolute run folders of an older library into paths relative to where the library is now', () => {
    const dir = path.join(makeTempDir('relocate-migrate-'), 'library');
    fs.mkdirSync(dir, { recursive: true });
    const old = new BetterSqlite3(path.join(dir, 'library.db'));
    migrate(old, MIGRATIONS.filter((m) => m.version <= 4), path.join(dir, 'backups'));
    const insert = old.prepare(`INSERT INTO runs (created_at, status, config, model_dir) VALUES ('t', 'done', '{}', ?)`);
    insert.run(path.join(dir, 'models', 'run-1')); // written here
    insert.run('/somewhere/it/was/before/models/run-2'); // written before the library was moved
    insert.run(null);
    old.close();

    const library = openLibrary(dir);
    expect(library.db.prepare('SELECT model_dir FROM runs ORDER BY id').pluck().all()).toEqual(['models/run-1', 'models/run-2', null]);
    expect(getRunModelDir(library.db, 2)).toBe(path.join(dir, 'models', 'run-2'));
    library.close();
  });
});
