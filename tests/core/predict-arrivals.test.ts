// Photos imported into a library with a finished run are predicted by that run at the end of the import job: no
// retrain, the run is recorded with each prediction, the grid's predicted-class filter covers them, and the answers
// are the ones `studio predict` gives for the same files.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../src-main/api/schemas.js';
import { modelInputPath } from '../../src-main/core/photos/derived-files.js';
import { openStudio, type Studio } from '../../src-main/core/studio.js';
import { ALPACA_DATASET, alpacaNames, copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { runCli as studio } from '../helpers/run-cli.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const WEIGHTS = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');
const HIKE = path.join(SHARED_DIR, 'photos', 'hike-unlabeled');
/** a safety net only: a training on a shared 2-core machine can take minutes */
const SLOW = { timeout: 900_000 };

const tmp = makeTempDir('studio-arrivals-');
const library = path.join(tmp, 'library');
const hike = path.join(tmp, 'hike');
const lib = (...argv: string[]) => studio(...argv, '--library', library);

let runId: number;
let summary: ImportSummary;
let core: Studio;

beforeAll(async () => {
  copyAlpacaSubset(path.join(tmp, 'subset'), 6);
  fs.cpSync(HIKE, hike, { recursive: true });
  expect((await lib('import', path.join(tmp, 'subset'), '--labels-from-folders')).code).toBe(0);
  const train = await lib('train', '--weights', WEIGHTS, '--alpha', '0.35', '--input-size', '96', '--resize', 'fill', '--mirror', 'off', '--epochs', '3', '--kfold', '0', '--val-split', '0.3', '--json');
  expect(train.code, train.stderr).toBe(0);
  runId = train.json<{ id: number }>().id;
  const imported = await lib('import', hike, '--json');
  expect(imported.code, imported.stderr).toBe(0);
  summary = imported.json<ImportSummary>();
  core = openStudio(library);
}, 900_000);

afterAll(async () => {
  await core?.close();
});

describe('importing into a library with a finished run', () => {
  it('predicts all 16 new photos with that run, without a retrain', SLOW, async () => {
    expect(summary.added).toBe(16);
    expect(summary.predictions).toEqual({ runId, predicted: 16, skipped: [], cancelled: false, error: null });
    expect(await core.api['runs.list']({})).toHaveLength(1);
    const page = await core.api['photos.list']({ folder: hike, limit: 100, offset: 0, sort: 'name', descending: false });
    expect(page.total).toBe(16);
    for (const photo of page.items) expect(photo.prediction).toEqual(expect.objectContaining({ runId, split: 'none' }));
  });

  it('puts the new photos into the grid’s predicted-class filters at once', SLOW, async () => {
    const classes = await core.api['classes.list']({});
    let covered = 0;
    for (const c of classes) {
      const page = await core.api['photos.list']({ folder: hike, predictedClassId: c.id, limit: 100, offset: 0, sort: 'confidence', descending: true });
      covered += page.total;
      expect(page.items.every((p) => p.prediction?.classId === c.id)).toBe(true);
    }
    expect(covered).toBe(16);
  });

  it('gives each photo the answer `studio predict` gives for its file', SLOW, async () => {
    const predicted = (await lib('predict', hike, '--json')).json<{ items: { path: string; probabilities: { classId: number; name: string; p: number }[] }[] }>();
    expect(predicted.items).toHaveLength(16);
    for (const item of predicted.items) {
      const id = core.findPhotoIdByPath(fs.realpathSync(item.path));
      expect(id).toBeDefined();
      const photo = await core.api['photos.get']({ id: id! });
      expect(photo.prediction?.runId).toBe(runId);
      // the import's model-input cache and the original are resized from different pixels: close, not equal
      for (const { name, p } of item.probabilities) expect(Math.abs((photo.probabilities?.find((c) => c.name === name)?.p ?? -1) - p)).toBeLessThan(0.05);
    }
  });

  it('predicts nothing again when the same photos are imported again', SLOW, async () => {
    const again = await lib('import', hike, '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json<ImportSummary>().predictions).toEqual({ runId, predicted: 0, skipped: [], cancelled: false, error: null });
  });
});

describe('the source recorded with an arrival’s prediction', () => {
  it('is out-of-fold for a photo labeled with a run class, in-fold for a copy of a training photo', SLOW, async () => {
    const labeled = path.join(tmp, 'labeled');
    fs.mkdirSync(path.join(labeled, 'alpaca'), { recursive: true });
    const [trained, fresh] = [alpacaNames('alpaca')[0]!, alpacaNames('alpaca')[6]!];
    fs.copyFileSync(path.join(ALPACA_DATASET, 'alpaca', trained), path.join(labeled, 'alpaca', `copy-${trained}`));
    fs.copyFileSync(path.join(ALPACA_DATASET, 'alpaca', fresh), path.join(labeled, 'alpaca', fresh));
    const imported = await lib('import', labeled, '--labels-from-folders', '--json');
    expect(imported.json<ImportSummary>().predictions).toEqual({ runId, predicted: 2, skipped: [], cancelled: false, error: null });
    const sources = core.library.db
      .prepare(`SELECT p.file_name AS name, pr.source FROM predictions pr JOIN photos p ON p.id = pr.photo_id WHERE pr.run_id = ? AND p.folder LIKE ? ORDER BY p.file_name`)
      .all(runId, `${fs.realpathSync(labeled)}%`);
    expect(new Set(sources)).toEqual(new Set([
      { name: `copy-${trained}`, source: 'in-fold' },
      { name: fresh, source: 'out-of-fold' },
    ]));
  });
});

describe('a photo that cannot be predicted', () => {
  it('is named with its reason while the others are predicted', SLOW, async () => {
    const { db, paths } = core.library;
    const [gone, kept] = (await core.api['photos.list']({ folder: hike, limit: 2, offset: 0, sort: 'name', descending: false })).items;
    // as if both had arrived unpredicted, and one's file vanished with its cached model input before the prediction
    // (its features are not cached yet either: cached features alone would still predict it)
    db.prepare('DELETE FROM predictions WHERE run_id = ? AND photo_id IN (?, ?)').run(runId, gone!.id, kept!.id);
    db.prepare('DELETE FROM features WHERE content_hash = ?').run(gone!.contentHash);
    const lost = path.join(tmp, 'lost.jpg');
    fs.renameSync(gone!.path, lost);
    fs.renameSync(modelInputPath(paths, gone!.contentHash), `${lost}.model-input`);
    try {
      const empty = path.join(tmp, 'empty');
      fs.mkdirSync(empty);
      const imported = await lib('import', empty, '--json');
      expect(imported.code, imported.stderr).toBe(0);
      const predictions = imported.json<ImportSummary>().predictions!;
      expect(predictions.predicted).toBe(1);
      expect(predictions.skipped).toEqual([{ path: gone!.path, reason: expect.stringMatching(/\S/) }]);
      expect((await core.api['photos.get']({ id: kept!.id })).prediction?.runId).toBe(runId);
    } finally {
      fs.renameSync(lost, gone!.path);
      fs.renameSync(`${lost}.model-input`, modelInputPath(paths, gone!.contentHash));
    }
  });
});

describe('importing after a retrain with mirror test-time augmentation', () => {
  it('predicts the new photos with the latest run, averaged with their mirror images as `studio predict` does', SLOW, async () => {
    const train = await lib('train', '--mirror', 'on', '--json');
    expect(train.code, train.stderr).toBe(0);
    const latest = train.json<{ id: number }>().id;
    const more = path.join(tmp, 'more');
    fs.mkdirSync(more);
    for (const name of fs.readdirSync(hike).slice(0, 4)) fs.copyFileSync(path.join(hike, name), path.join(more, `copy-${name}`));
    const imported = await lib('import', more, '--json');
    expect(imported.json<ImportSummary>().predictions).toEqual({ runId: latest, predicted: 4, skipped: [], cancelled: false, error: null });
    const predicted = (await lib('predict', more, '--json')).json<{ items: { path: string; probabilities: { classId: number; name: string; p: number }[] }[] }>();
    for (const item of predicted.items) {
      const photo = await core.api['photos.get']({ id: core.findPhotoIdByPath(fs.realpathSync(item.path))! });
      expect(photo.prediction?.runId).toBe(latest);
      for (const { name, p } of item.probabilities) expect(Math.abs((photo.probabilities?.find((c) => c.name === name)?.p ?? -1) - p)).toBeLessThan(0.05);
    }
  });
});

describe('cancelling an import while it predicts', () => {
  it('keeps the imported photos, says it was cancelled, and the next import predicts them', SLOW, async () => {
    const later = path.join(tmp, 'later');
    fs.mkdirSync(later);
    for (const name of fs.readdirSync(HIKE).slice(4, 7)) fs.copyFileSync(path.join(HIKE, name), path.join(later, `later-${name}`));
    const finished = new Promise<ImportSummary>((resolve) => {
      const stop = core.subscribe((event, payload) => {
        if (event === 'job.progress' && 'stage' in payload && payload.stage === 'predict') void core.api['jobs.cancel']({ jobId: payload.jobId });
        if (event === 'job.finished' && 'result' in payload) {
          stop();
          resolve(payload.result as ImportSummary);
        }
      });
    });
    await core.api['photos.import']({ root: later, labelsFromFolders: false });
    const cancelled = await finished;
    expect(cancelled.added).toBe(3);
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.predictions).toEqual(expect.objectContaining({ predicted: 0, cancelled: true }));
    const again = (await lib('import', later, '--json')).json<ImportSummary>();
    expect(again.predictions).toEqual(expect.objectContaining({ predicted: 3, cancelled: false }));
  });
});

describe('importing into a library without a finished run', () => {
  it('imports without predictions', SLOW, async () => {
    const fresh = path.join(tmp, 'fresh-library');
    const imported = await studio('import', hike, '--json', '--library', fresh);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.json<ImportSummary>().predictions).toBeUndefined();
  });
});
