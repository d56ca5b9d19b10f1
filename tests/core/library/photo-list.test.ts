import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PhotoQuery } from '../../../src-main/api/schemas.js';
import { createClass } from '../../../src-main/core/library/classes.js';
import { setLabels } from '../../../src-main/core/library/labels.js';
import { openLibrary, type Library } from '../../../src-main/core/library/library.js';
import { listPhotos, photoListSql } from '../../../src-main/core/library/photo-list.js';
import { insertSyntheticPhotos } from '../../helpers/insert-photos.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const PHOTO_COUNT = 100_000;
let lib: Library;
let ids: number[];
let catId: number;

const query = (q: Partial<PhotoQuery>) => listPhotos(lib.db, PhotoQuery.parse(q));

beforeAll(() => {
  lib = openLibrary(path.join(makeTempDir(), 'lib'));
  ids = insertSyntheticPhotos(lib.db, PHOTO_COUNT);
  catId = createClass(lib.db, 'cat').id;
  setLabels(lib.db, { photoIds: ids.filter((_, i) => i % 4 === 0), classId: catId, source: 'user' });
  lib.db.exec('ANALYZE');
});

describe('listPhotos on 100,000 photos', () => {
  it('pages through a class sorted by name without gaps or repeats', () => {
    const first = query({ classId: catId, limit: 100 });
    const second = query({ classId: catId, limit: 100, offset: 100 });
    expect(first.total).toBe(PHOTO_COUNT / 4);
    const names = [...first.items, ...second.items].map((p) => p.fileName);
    expect(new Set(names).size).toBe(200);
    expect([...names].sort()).toEqual(names);
    expect(first.items.every((p) => p.classId === catId)).toBe(true);
  });

  it('finds unlabeled photos and photos below a folder', () => {
    expect(query({ unlabeled: true, limit: 1 }).total).toBe(PHOTO_COUNT - PHOTO_COUNT / 4);
    const inFolder = query({ folder: '/photos/day3/', limit: 5 });
    expect(inFolder.total).toBe(PHOTO_COUNT / 10);
    expect(inFolder.items.every((p) => p.folder === '/photos/day3')).toBe(true);
    expect(query({ folder: '/photos', limit: 1 }).total).toBe(PHOTO_COUNT);
  });

  it('sorts by date taken with undated photos last, newest first when descending', () => {
    const page = query({ sort: 'takenAt', descending: true, limit: 50 });
    const dates = page.items.map((p) => p.takenAt);
    expect(dates.every((d) => d !== null)).toBe(true);
    expect([...dates].sort().reverse()).toEqual(dates);
    const last = query({ sort: 'takenAt', limit: 1, offset: PHOTO_COUNT - 1 });
    expect(last.items[0]?.takenAt).toBeNull();
  });

  it('answers the grid queries from indexes, without sorting the whole table', () => {
    const plan = (q: Partial<PhotoQuery>, which: 'page' | 'count' = 'page') => {
      const sql = photoListSql(PhotoQuery.parse(q));
      const params = which === 'page' ? sql.params : Object.fromEntries(Object.entries(sql.params).filter(([k]) => k !== 'limit' && k !== 'offset'));
      const rows = lib.db.prepare(`EXPLAIN QUERY PLAN ${sql[which]}`).all(params) as { detail: string }[];
      return rows.map((r) => r.detail).join(' | ');
    };
    const byName = plan({ sort: 'name', offset: 5000 });
    expect(byName).toMatch(/INDEX photos_natural_name/);
    expect(byName).not.toMatch(/TEMP B-TREE/);
    expect(plan({ sort: 'takenAt', descending: true })).toMatch(/INDEX photos_taken_at/);
    expect(plan({ classId: catId }, 'count')).toMatch(/labels_class/);
    expect(plan({ dupGroup: 5 })).toMatch(/photos_dup_group/);
  });
});
