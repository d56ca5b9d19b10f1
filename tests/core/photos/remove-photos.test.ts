// removePhotos / restoreRemoval: photos leave the library (selection, folder, missing) with everything that hangs on
// them and come back with their labels, journal and run rows; originals are never touched.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJobContext } from '../../../src-main/core/jobs/job-context.js';
import { setLabels, undoLabels } from '../../../src-main/core/library/labels.js';
import { listPhotos } from '../../../src-main/core/library/photo-list.js';
import { getLibraryStats } from '../../../src-main/core/library/stats.js';
import { getReviewQueue } from '../../../src-main/core/ml/runs/review-queues.js';
import { getRun } from '../../../src-main/core/ml/runs/runs.js';
import { trainRun } from '../../../src-main/core/ml/runs/train-run.js';
import { resolveTrainingConfig } from '../../../src-main/core/ml/training/training-config.js';
import { importFolder } from '../../../src-main/core/photos/import-folder.js';
import { removePhotos, restoreRemoval } from '../../../src-main/core/photos/remove-photos.js';
import { copyAlpacaSubset } from '../../helpers/alpaca-subset.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';
import { fingerprintFiles } from '../../helpers/file-fingerprints.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { makeTrainingLibrary } from '../../helpers/training-library.js';
import type { Library } from '../../../src-main/core/library/library.js';
import { openTempLibrary, quietContext } from './import-helpers.js';

const HIKE_DIR = path.join(SHARED_DIR, 'photos', 'hike-unlabeled');
const ALL = { sort: 'name', descending: false, limit: 10_000, offset: 0 } as const;

async function importedAlpaca(perClass = 4): Promise<{ library: Library; root: string }> {
  const library = openTempLibrary('remove-lib-');
  const root = copyAlpacaSubset(makeTempDir('remove-photos-'), perClass);
  await importFolder(library, { root, labelsFromFolders: true }, quietContext());
  return { library, root };
}

const photoIds = (library: Library) => listPhotos(library.db, ALL).items.map((p) => p.id);

describe('removePhotos', () => {
  it('removes a selection from every listing and count, and a restore brings it back with its labels', async () => {
    const { library, root } = await importedAlpaca();
    const before = getLibraryStats(library.db);
    const files = fingerprintFiles(root);
    const page = listPhotos(library.db, ALL).items;
    const chosen = page.filter((p) => p.className === 'alpaca').slice(0, 3);

    const report = removePhotos(library.db, { photoIds: chosen.map((p) => p.id), dryRun: false });
    expect(report).toMatchObject({ scope: 'ids', count: 3, labeled: 3, dryRun: false });
    expect(report.removalId).toEqual(expect.any(Number));
    const after = getLibraryStats(library.db);
    expect(after.photos).toBe(before.photos - 3);
    expect(after.classes.find((c) => c.name === 'alpaca')?.photoCount).toBe(1);
    expect(photoIds(library)).not.toContain(chosen[0]!.id);
    expect(fingerprintFiles(root)).toEqual(files);

    const restored = restoreRemoval(library.db);
    expect(restored).toMatchObject({ removalId: report.removalId, restored: 3, skipped: [] });
    expect(restored.photoIds.sort()).toEqual(chosen.map((p) => p.id).sort());
    expect(getLibraryStats(library.db)).toEqual(before);
    expect(listPhotos(library.db, ALL).items).toEqual(page);
    expect(fingerprintFiles(root)).toEqual(files);
  });

  it('lists a folder on a dry run without writing, then removes the photos in it and below it', async () => {
    const { library, root } = await importedAlpaca();
    const before = getLibraryStats(library.db);
    const dry = removePhotos(library.db, { folder: path.join(root, 'not_alpaca'), dryRun: true });
    expect(dry).toMatchObject({ removalId: null, dryRun: true, scope: 'folder', count: 4, labeled: 4 });
    expect(dry.photos.every((p) => p.path.startsWith(path.join(root, 'not_alpaca') + path.sep))).toBe(true);
    expect(getLibraryStats(library.db)).toEqual(before);

    const whole = removePhotos(library.db, { folder: root, dryRun: false });
    expect(whole.count).toBe(8);
    expect(getLibraryStats(library.db).photos).toBe(0);
    restoreRemoval(library.db, whole.removalId!);
    expect(getLibraryStats(library.db)).toEqual(before);
  });

  it('refuses a relative folder and unknown ids with one line each', async () => {
    const { library } = await importedAlpaca(1);
    expect(() => removePhotos(library.db, { folder: 'photos/alpaca', dryRun: false })).toThrow(/Expected an absolute folder path.*photos\/alpaca/);
    expect(() => removePhotos(library.db, { photoIds: [999_999], dryRun: false })).toThrow('No photo with id 999999');
    expect(() => restoreRemoval(library.db)).toThrow('Nothing to restore');
  });

  it('removes only the photos whose files are gone', async () => {
    const { library, root } = await importedAlpaca(2);
    const gone = path.join(root, 'alpaca', fs.readdirSync(path.join(root, 'alpaca'))[0]!);
    fs.rmSync(gone);
    await importFolder(library, { root, labelsFromFolders: true }, quietContext());
    const report = removePhotos(library.db, { missing: true, dryRun: false });
    expect(report.photos.map((p) => [p.path, p.status])).toEqual([[gone, 'missing']]);
    expect(getLibraryStats(library.db)).toMatchObject({ photos: 3, byStatus: { ok: 3, missing: 0 } });
    expect(removePhotos(library.db, { missing: true, dryRun: false })).toMatchObject({ removalId: null, count: 0 });
  });

  it('skips a photo imported again after its removal, and gives a restored photo a new id when its id was taken', async () => {
    const { library, root } = await importedAlpaca(2);
    const page = listPhotos(library.db, { ...ALL, sort: 'id' }).items;
    const newest = page.at(-1)!;
    const first = removePhotos(library.db, { photoIds: [newest.id], dryRun: false });
    // a new photo takes the freed id (SQLite reuses the highest rowid)
    const extra = makeTempDir('remove-extra-');
    fs.copyFileSync(path.join(HIKE_DIR, 'Aqua.jpg'), path.join(extra, 'Aqua.jpg'));
    await importFolder(library, { root: extra, labelsFromFolders: false }, quietContext());
    const aqua = listPhotos(library.db, ALL).items.find((p) => p.fileName === 'Aqua.jpg')!;
    expect(aqua.id).toBe(newest.id);

    const back = restoreRemoval(library.db, first.removalId!);
    expect(back.restored).toBe(1);
    expect(back.photoIds[0]).not.toBe(newest.id);
    expect(listPhotos(library.db, ALL).items.find((p) => p.id === back.photoIds[0])).toMatchObject({ path: newest.path, className: newest.className });
    expect(() => restoreRemoval(library.db, first.removalId!)).toThrow(/already restored/);

    const folder = removePhotos(library.db, { folder: path.join(root, 'alpaca'), dryRun: false });
    await importFolder(library, { root, labelsFromFolders: false }, quietContext());
    const again = restoreRemoval(library.db, folder.removalId!);
    expect(again.restored).toBe(0);
    expect(again.skipped).toEqual(folder.photos.map((p) => ({ path: p.path, reason: expect.stringContaining('already back in the library') })));
  });

  it('keeps the label journal in order: batch ids are not reused, and undo after a restore reverts the right change', async () => {
    const { library } = await importedAlpaca(2);
    const ids = photoIds(library);
    const [a, b] = [ids[0]!, ids[1]!];
    const cleared = setLabels(library.db, { photoIds: [a], classId: null, source: 'user' });
    const removal = removePhotos(library.db, { photoIds: [a], dryRun: false });
    const later = setLabels(library.db, { photoIds: [b], classId: null, source: 'user' });
    expect(later.batchId).toBeGreaterThan(cleared.batchId!);
    restoreRemoval(library.db, removal.removalId!);
    expect(undoLabels(library.db).photoIds).toEqual([b]);
    expect(undoLabels(library.db).photoIds).toEqual([a]);
    expect(listPhotos(library.db, ALL).items.find((p) => p.id === a)?.className).not.toBeNull();
  });
});

describe('removePhotos with recorded runs', () => {
  it('leaves a run readable and its review queues without the removed photos; a restore brings their predictions back', async () => {
    const t = await makeTrainingLibrary({ classes: ['a', 'b'], perClass: 20, unlabeled: 4 });
    const config = resolveTrainingConfig({ epochs: 3, batchSize: 16, learningRate: 1e-2, kfold: 0, mirror: false });
    const { runId } = await trainRun(t.library, config, createJobContext({}), t.deps);
    const { db } = t.library;
    const run = getRun(db, runId);
    const predictions = () => db.prepare('SELECT COUNT(*) FROM predictions WHERE run_id = ?').pluck().get(runId) as number;
    const before = predictions();
    const gone = [...t.photosByClass[0]!.slice(0, 5), ...t.unlabeled.slice(0, 2)];

    const report = removePhotos(db, { photoIds: gone, dryRun: false });
    expect(getRun(db, runId)).toEqual(run);
    expect(predictions()).toBe(before - gone.length);
    const queue = getReviewQueue(db, { runId, queue: 'uncertain', limit: 1000, offset: 0 });
    expect(queue.items.some((i) => gone.includes(i.photoId))).toBe(false);
    expect(listPhotos(db, { ...ALL, runId }).total).toBe(44 - gone.length);

    restoreRemoval(db, report.removalId!);
    expect(predictions()).toBe(before);
    expect(listPhotos(db, { ...ALL, runId }).items.filter((p) => gone.includes(p.id)).every((p) => p.prediction?.runId === runId)).toBe(true);
    t.library.close();
  });
});
