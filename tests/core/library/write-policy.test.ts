// The library's write policy: transactions take the write lock when they begin, and a lock that never frees ends
// in one clear line naming the library instead of a raw SQLite error.
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createClass } from '../../../src-main/core/library/classes.js';
import { setLabels } from '../../../src-main/core/library/labels.js';
import { openLibrary } from '../../../src-main/core/library/library.js';
import { StudioError } from '../../../src-main/api/errors.js';
import { insertSyntheticPhotos } from '../../helpers/insert-photos.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

describe('library write policy', () => {
  it('begins every transaction IMMEDIATE, so it holds the write lock before its first read', () => {
    const library = openLibrary(path.join(makeTempDir(), 'lib'));
    const other = new BetterSqlite3(library.paths.database, { timeout: 0 });
    let otherCouldWrite: boolean | null = null;
    library.db.transaction(() => {
      library.db.prepare('SELECT COUNT(*) FROM photos').get(); // a read only, as setLabels starts
      try {
        other.prepare("INSERT INTO settings (key, value) VALUES ('probe', '1')").run();
        otherCouldWrite = true;
      } catch {
        otherCouldWrite = false;
      }
    })();
    expect(otherCouldWrite).toBe(false);
    other.close();
    library.close();
  });

  it('gives up on a write lock that another process never frees with one line naming the library, after bounded attempts', () => {
    const library = openLibrary(path.join(makeTempDir(), 'lib'));
    const classId = createClass(library.db, 'cat').id;
    const [photoId] = insertSyntheticPhotos(library.db, 1);
    const holder = new BetterSqlite3(library.paths.database);
    holder.prepare('BEGIN IMMEDIATE').run();
    library.db.pragma('busy_timeout = 20');
    let bodyRuns = 0;
    const write = library.db.transaction(() => {
      bodyRuns++;
      setLabels(library.db, { photoIds: [photoId!], classId, source: 'cli' });
    });
    let thrown: unknown;
    try {
      write();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StudioError);
    expect(thrown).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining(library.paths.root) });
    expect((thrown as Error).message).not.toContain('\n');
    expect(bodyRuns).toBe(0);
    holder.prepare('ROLLBACK').run();
    write();
    expect(bodyRuns).toBe(1);
    expect(library.db.prepare('SELECT class_id FROM labels WHERE photo_id = ?').pluck().get(photoId)).toBe(classId);
    holder.close();
    library.close();
  });
});
