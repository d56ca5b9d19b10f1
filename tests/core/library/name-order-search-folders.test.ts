// The grid's browsing queries on a real SQLite library: natural name order, file-name search, folder counts,
// near-duplicate groups side by side with their distance.
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { PhotoQuery } from '../../../src-main/api/schemas.js';
import { listFolderCounts } from '../../../src-main/core/library/folder-counts.js';
import { openLibrary, type Library } from '../../../src-main/core/library/library.js';
import { indexOfPhoto, listPhotos, photoListSql } from '../../../src-main/core/library/photo-list.js';
import { naturalSortKey } from '../../../src-main/core/library/sql-functions.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

let lib: Library;
const NAMES: Array<[folder: string, name: string, phash: string | null, group: number | null]> = [
  ['/hikes/2024/alps', 'img10.jpg', 'ffff000000000000', 1],
  ['/hikes/2024/alps', 'img2.jpg', null, null],
  ['/hikes/2024/alps', 'IMG1.jpg', 'ffff00000000000f', 1],
  ['/hikes/2024/alps/day2', 'b.jpg', null, null],
  ['/hikes/2024', 'B.JPG', '00000000000000ff', 2],
  ['/hikes/2024', 'a.jpg', '0000000000000fff', 2],
  ['/hikes/2023', 'Ärger.jpg', null, null],
  ['/hikes/2023', 'img002.jpg', 'ffff0000000000ff', 1],
];

const names = (q: Partial<PhotoQuery>) => listPhotos(lib.db, PhotoQuery.parse({ ...q, limit: 100 })).items.map((p) => p.fileName);

beforeAll(() => {
  lib = openLibrary(path.join(makeTempDir(), 'lib'));
  const insert = lib.db.prepare(
    `INSERT INTO photos (path, folder, file_name, content_hash, size_bytes, mtime_ms, phash, dup_group, status, imported_at, updated_at)
     VALUES (@path, @folder, @name, @path, 1, 0, @phash, @group, 'ok', '2024-01-01', '2024-01-01')`,
  );
  for (const [folder, name, phash, group] of NAMES) insert.run({ path: `${folder}/${name}`, folder, name, phash, group });
});

describe('the name sort', () => {
  it('puts numbers in number order, ignores case and sorts accented letters beside their base letter', () => {
    // equal keys (b.jpg, B.JPG; img2, img002) keep import order
    expect(names({ sort: 'name' })).toEqual(['a.jpg', 'Ärger.jpg', 'b.jpg', 'B.JPG', 'IMG1.jpg', 'img2.jpg', 'img002.jpg', 'img10.jpg']);
  });

  it('reverses the same order when descending', () => {
    expect(names({ sort: 'name', descending: true })).toEqual(['img10.jpg', 'img002.jpg', 'img2.jpg', 'IMG1.jpg', 'B.JPG', 'b.jpg', 'Ärger.jpg', 'a.jpg']);
  });

  it('gives keys whose plain order is the natural order', () => {
    const sorted = ['x9', 'X10', 'x10a', 'x100', 'y'].map(naturalSortKey);
    expect([...sorted].sort()).toEqual(sorted);
    expect(naturalSortKey('IMG_0007.JPG')).toBe(naturalSortKey('img_7.jpg'));
  });

  it('reads pages in name order from its index, not by sorting the table', () => {
    const sql = photoListSql(PhotoQuery.parse({ sort: 'name', offset: 3 }));
    const plan = (lib.db.prepare(`EXPLAIN QUERY PLAN ${sql.page}`).all({ ...sql.params, runId: null }) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).toMatch(/INDEX photos_natural_name/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('keeps the sort key of a renamed photo', () => {
    const id = lib.db.prepare(`SELECT id FROM photos WHERE file_name = 'img2.jpg'`).pluck().get() as number;
    lib.db.prepare(`UPDATE photos SET file_name = 'img11.jpg' WHERE id = ?`).run(id);
    try {
      expect(names({ search: 'img' })).toEqual(['IMG1.jpg', 'img002.jpg', 'img10.jpg', 'img11.jpg']);
    } finally {
      lib.db.prepare(`UPDATE photos SET file_name = 'img2.jpg' WHERE id = ?`).run(id);
    }
  });

  it('leaves the library readable and checkable by SQLite tools that lack the app’s functions', () => {
    const plain = new Database(lib.paths.database, { readonly: true });
    try {
      expect(plain.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(plain.prepare('SELECT file_name FROM photos ORDER BY name_key, id LIMIT 2').pluck().all()).toEqual(['a.jpg', 'Ärger.jpg']);
    } finally {
      plain.close();
    }
  });

  it('finds a photo at the place paging shows it', () => {
    const query = PhotoQuery.parse({ sort: 'name', limit: 100 });
    const page = listPhotos(lib.db, query);
    const { limit: _limit, offset: _offset, ...filter } = query;
    expect(page.items.map((p) => indexOfPhoto(lib.db, filter, p.id))).toEqual(page.items.map((_, i) => i));
  });
});

describe('the file-name search', () => {
  it('matches a part of the name in any case', () => {
    expect(names({ search: 'IMG' })).toEqual(['IMG1.jpg', 'img2.jpg', 'img002.jpg', 'img10.jpg']);
    expect(names({ search: ' .jpg ' })).toHaveLength(NAMES.length);
  });

  it('folds case beyond ASCII', () => {
    expect(names({ search: 'ärg' })).toEqual(['Ärger.jpg']);
  });

  it('combines with the folder filter and counts what it finds', () => {
    const page = listPhotos(lib.db, PhotoQuery.parse({ search: 'b', folder: '/hikes/2024/alps' }));
    expect(page.total).toBe(1);
    expect(page.items[0]?.path).toBe('/hikes/2024/alps/day2/b.jpg');
  });

  it('takes the characters of a LIKE pattern literally', () => {
    expect(names({ search: '%' })).toEqual([]);
    expect(names({ search: '_' })).toEqual([]);
  });
});

describe('folder counts', () => {
  it('lists each folder that holds photos with the photos directly in it, in path order', () => {
    expect(listFolderCounts(lib.db)).toEqual([
      { folder: '/hikes/2023', photos: 2 },
      { folder: '/hikes/2024', photos: 2 },
      { folder: '/hikes/2024/alps', photos: 3 },
      { folder: '/hikes/2024/alps/day2', photos: 1 },
    ]);
  });
});

describe('near-duplicates', () => {
  it('lists each group’s members side by side with the bits to their nearest member', () => {
    const page = listPhotos(lib.db, PhotoQuery.parse({ onlyDuplicates: true, sort: 'name' }));
    expect(page.items.map((p) => [p.dupGroup, p.fileName, p.dupDistance])).toEqual([
      [1, 'IMG1.jpg', 4],
      [1, 'img002.jpg', 4],
      [1, 'img10.jpg', 4],
      [2, 'a.jpg', 4],
      [2, 'B.JPG', 4],
    ]);
  });

  it('gives no distance to a photo outside any group', () => {
    const page = listPhotos(lib.db, PhotoQuery.parse({ search: 'img2' }));
    expect(page.items[0]?.dupDistance).toBeNull();
  });
});
