// importFolder on 5,000 generated photos: re-importing an unchanged large folder, where the workers yield to the
// event loop mid-list, finishes with the right counts (issue 10, item 11: a worker took an index past the end).
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../src-main/api/schemas.js';
import type { JobContext } from '../../../src-main/core/jobs/job-context.js';
import { importFolder } from '../../../src-main/core/photos/import-folder.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { writeGeneratedPhotos } from './generated-photos.js';
import { openTempLibrary, quietContext } from './import-helpers.js';

const PHOTOS = 5_000;

/** Counts event-loop turns (setImmediate callbacks) while the import stage runs: > 0 proves the workers yielded. */
function countingTurnsDuringImport(): { ctx: JobContext; turns: () => number } {
  const ctx = quietContext();
  const report = ctx.report.bind(ctx);
  let turns = 0;
  let importing = false;
  const tick = () => {
    if (!importing) return;
    turns++;
    setImmediate(tick);
  };
  ctx.report = (update) => {
    if (update.stage === 'import' && !importing && update.done < update.total) {
      importing = true;
      setImmediate(tick);
    }
    if (update.stage === 'duplicates') importing = false;
    report(update);
  };
  return { ctx, turns: () => turns };
}

describe('importFolder on a folder of 5,000 photos', () => {
  const library = openTempLibrary('large-import-lib-');
  const root = makeTempDir('large-import-root-');
  let first: ImportSummary;

  beforeAll(async () => {
    await writeGeneratedPhotos(root, PHOTOS);
    first = await importFolder(library, { root, labelsFromFolders: true }, quietContext());
  });

  it('imports every generated photo', () => {
    expect(first).toMatchObject({ scanned: PHOTOS, added: PHOTOS, cancelled: false, labeled: PHOTOS });
    expect(first.skipped).toEqual([]);
  });

  it('re-imports the unchanged folder twice in a row, yielding to the event loop, and finds every photo unchanged', async () => {
    for (let round = 0; round < 2; round++) {
      const { ctx, turns } = countingTurnsDuringImport();
      const again = await importFolder(library, { root, labelsFromFolders: true }, ctx);
      expect(again).toMatchObject({ scanned: PHOTOS, unchanged: PHOTOS, added: 0, updated: 0, moved: 0, markedMissing: 0, labeled: 0, cancelled: false });
      expect(again.skipped).toEqual([]);
      // the crash needed a yield mid-list: a list small enough to finish in one slice would not test the fix
      expect(turns()).toBeGreaterThan(0);
    }
    expect(library.db.prepare('SELECT COUNT(*) FROM photos').pluck().get()).toBe(PHOTOS);
  });
});
