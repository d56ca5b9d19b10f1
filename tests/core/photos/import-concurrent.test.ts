// Two imports of the same folder at once: across processes the writes are idempotent, within one studio they queue
// (issue 10, item 4: one of them failed with "UNIQUE constraint failed: photos.path").
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ImportSummary, JobProgress } from '../../../src-main/api/schemas.js';
import { openLibrary } from '../../../src-main/core/library/library.js';
import { importFolder, IMPORT_BATCH_SIZE } from '../../../src-main/core/photos/import-folder.js';
import { openStudio } from '../../../src-main/core/studio.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { writeGeneratedPhotos } from './generated-photos.js';
import { quietContext } from './import-helpers.js';

const CHILD = fileURLToPath(new URL('./import-child.ts', import.meta.url));
const PHOTOS = 2 * IMPORT_BATCH_SIZE;

describe('two imports of the same folder at once', () => {
  it('in two processes: the second commits files the first added meanwhile as unchanged, without a UNIQUE failure', async () => {
    const root = makeTempDir('concurrent-root-');
    await writeGeneratedPhotos(root, PHOTOS);
    const libraryDir = makeTempDir('concurrent-lib-');
    const library = openLibrary(libraryDir);
    try {
      let other: ReturnType<typeof spawnSync> | null = null;
      const ctx = quietContext();
      const report = ctx.report.bind(ctx);
      ctx.report = (update) => {
        // gate: this import has decoded a batch's worth of files but committed none (it commits at IMPORT_BATCH_SIZE);
        // the whole other import runs now, in another process, while this one is held
        if (update.stage === 'import' && update.done === IMPORT_BATCH_SIZE - 1 && other === null) {
          other = spawnSync(process.execPath, ['--import', 'tsx', CHILD, libraryDir, root], { encoding: 'utf8' });
        }
        report(update);
      };
      const summary = await importFolder(library, { root, labelsFromFolders: true }, ctx);
      expect(other).not.toBeNull();
      expect(other!.status, String(other!.stderr)).toBe(0);
      expect(String(other!.stdout)).toContain('finished');
      expect(summary).toMatchObject({ scanned: PHOTOS, added: 0, unchanged: PHOTOS, aliases: 0, labeled: 0, cancelled: false });
      expect(summary.skipped).toEqual([]);
      expect(library.db.prepare('SELECT COUNT(*) FROM photos').pluck().get()).toBe(PHOTOS);
      expect(library.db.prepare('SELECT COUNT(*) FROM labels').pluck().get()).toBe(PHOTOS);
    } finally {
      library.close();
    }
  });

  it('in one studio: the second import job waits for the first, then finds every photo unchanged', async () => {
    const root = makeTempDir('queued-root-');
    await writeGeneratedPhotos(root, PHOTOS);
    const studio = openStudio(makeTempDir('queued-lib-'));
    try {
      const events: string[] = [];
      studio.jobs.subscribe({
        onProgress: (p: JobProgress) => events.push(`${p.jobId} ${p.stage}`),
        onFinished: (f) => events.push(`${f.jobId} ${f.status}`),
      });
      const first = await studio.api['photos.import']({ root, labelsFromFolders: true });
      const second = await studio.api['photos.import']({ root, labelsFromFolders: true });
      const [a, b] = await Promise.all([studio.jobs.wait(first.jobId), studio.jobs.wait(second.jobId)]);
      expect([a?.status, b?.status]).toEqual(['done', 'done']);
      expect(a?.result).toMatchObject({ added: PHOTOS });
      expect(b?.result as ImportSummary).toMatchObject({ added: 0, unchanged: PHOTOS });
      const secondEvents = events.filter((e) => e.startsWith(second.jobId)).map((e) => e.split(' ')[1]);
      expect(secondEvents[0]).toBe('queued');
      expect(events.indexOf(`${first.jobId} done`)).toBeLessThan(events.indexOf(`${second.jobId} scan`));
    } finally {
      await studio.close();
    }
  });

  it('in one studio: a queued import cancelled before its turn ends cancelled and imports nothing', async () => {
    const root = makeTempDir('queued-cancel-root-');
    await writeGeneratedPhotos(root, 4);
    const studio = openStudio(makeTempDir('queued-cancel-lib-'));
    try {
      const first = await studio.api['photos.import']({ root, labelsFromFolders: false });
      const second = await studio.api['photos.import']({ root, labelsFromFolders: false });
      expect(studio.jobs.cancel(second.jobId)).toBe(true);
      const [a, b] = await Promise.all([studio.jobs.wait(first.jobId), studio.jobs.wait(second.jobId)]);
      expect(a?.status).toBe('done');
      expect(b?.status).toBe('cancelled');
      expect(b?.progress?.stage).toBe('queued');
    } finally {
      await studio.close();
    }
  });
});
