// importFolder on the alpaca set: counts, folder labels, the re-encoded pair, idempotent re-import, a free event loop.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../src-main/api/schemas.js';
import { modelInputPath, thumbnailPath } from '../../../src-main/core/photos/derived-files.js';
import { IMPORT_CONCURRENCY, importFolder } from '../../../src-main/core/photos/import-folder.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';
import { openTempLibrary, quietContext, rowByName } from './import-helpers.js';

const ALPACA_DIR = path.join(SHARED_DIR, 'datasets', 'alpaca');

describe('importFolder on the alpaca set', () => {
  const library = openTempLibrary();
  let first: ImportSummary;
  const stages = new Set<string>();
  /** event-loop turns (setImmediate callbacks) that ran while files were being imported */
  let turnsWhileImporting = 0;
  let importing = false;

  beforeAll(async () => {
    const ctx = quietContext();
    const report = ctx.report.bind(ctx);
    const tick = () => {
      if (!importing) return;
      turnsWhileImporting++;
      setImmediate(tick);
    };
    ctx.report = (update) => {
      stages.add(update.stage);
      if (update.stage === 'import' && update.done === 0) {
        importing = true;
        setImmediate(tick);
      }
      if (update.stage === 'duplicates') importing = false;
      report(update);
    };
    first = await importFolder(library, { root: ALPACA_DIR, labelsFromFolders: true }, ctx);
  });

  it('adds every one of the 327 photos and skips none', () => {
    expect(first).toMatchObject({ scanned: 327, added: 327, updated: 0, moved: 0, unchanged: 0, aliases: 0, cancelled: false });
    expect(first.skipped).toEqual([]);
    expect(first.warnings).toEqual([]);
    expect(library.db.prepare(`SELECT COUNT(*) FROM photos WHERE status = 'ok'`).pluck().get()).toBe(327);
  });

  it('labels photos from their first-level folder: 142 alpaca, 185 not_alpaca', () => {
    const counts = library.db
      .prepare('SELECT c.name, COUNT(*) AS n FROM labels l JOIN classes c ON c.id = l.class_id GROUP BY c.name ORDER BY c.name')
      .all();
    expect(counts).toEqual([
      { name: 'alpaca', n: 142 },
      { name: 'not_alpaca', n: 185 },
    ]);
    expect(first.labeled).toBe(327);
  });

  it('puts the re-encoded pair in one near-duplicate group and no unrelated alpaca pair in any', () => {
    const a = rowByName(library, '09915aad4cd6bf0d.jpg');
    const b = rowByName(library, '5f843228ab49d81b.jpg');
    expect(a?.dup_group).not.toBeNull();
    expect(a?.dup_group).toBe(b?.dup_group);
    expect(a?.dup_group).toBe(Math.min(a!.id, b!.id));
    expect(first.duplicateGroups).toEqual([{ group: a!.dup_group, photoIds: [a!.id, b!.id].sort((x, y) => x - y) }]);
    expect(library.db.prepare('SELECT COUNT(*) FROM photos WHERE dup_group IS NOT NULL').pluck().get()).toBe(2);
  });

  it('writes a thumbnail and a model input for every photo, with upright dimensions', () => {
    const rows = library.db.prepare('SELECT content_hash, width, height FROM photos').all() as { content_hash: string; width: number; height: number }[];
    for (const row of rows) {
      expect(fs.existsSync(thumbnailPath(library.paths, row.content_hash))).toBe(true);
      expect(fs.existsSync(modelInputPath(library.paths, row.content_hash))).toBe(true);
      expect(row.width).toBeGreaterThan(0);
      expect(row.height).toBeGreaterThan(0);
    }
  });

  it('reports progress through the scan, import, duplicates and places stages', () => {
    expect([...stages]).toEqual(['scan', 'import', 'duplicates', 'places']);
  });

  it('lets the event loop turn many times while importing (the work runs off the main thread)', () => {
    // every worker awaits the thread pool (hashing, decoding) for every new file, so the loop turns at least
    // once per file per worker; a worker that held the loop through its files would bring this to zero
    expect(turnsWhileImporting).toBeGreaterThanOrEqual(Math.floor(327 / IMPORT_CONCURRENCY));
  });

  it('finds nothing to do on a second import of the same folder and rewrites no cached file', async () => {
    const cached = () =>
      (library.db.prepare('SELECT content_hash FROM photos ORDER BY id').pluck().all() as string[]).flatMap((hash) =>
        [thumbnailPath(library.paths, hash), modelInputPath(library.paths, hash)].map((file) => {
          const stat = fs.statSync(file, { bigint: true });
          return `${file} ${stat.ino} ${stat.mtimeNs}`;
        }),
      );
    const before = cached();
    const second = await importFolder(library, { root: ALPACA_DIR, labelsFromFolders: true }, quietContext());
    expect(second).toMatchObject({ added: 0, updated: 0, moved: 0, unchanged: 327, restored: 0, markedMissing: 0, labeled: 0, cancelled: false });
    expect(second.skipped).toEqual([]);
    expect(cached()).toEqual(before);
    expect(library.db.prepare('SELECT COUNT(*) FROM photos').pluck().get()).toBe(327);
  });
});
