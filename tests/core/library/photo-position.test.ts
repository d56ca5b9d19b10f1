// indexOfPhoto and nextUnlabeledPhoto: places in a filter's list order, found without paging.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PhotoFilterQuery } from '../../../src-main/api/schemas.js';
import { createClass } from '../../../src-main/core/library/classes.js';
import { setLabels } from '../../../src-main/core/library/labels.js';
import { openLibrary, type Library } from '../../../src-main/core/library/library.js';
import { indexOfPhoto, listPhotos, nextUnlabeledPhoto } from '../../../src-main/core/library/photo-list.js';
import { insertSyntheticPhotos } from '../../helpers/insert-photos.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

let lib: Library;
let ids: number[];
let catId: number;
const all = PhotoFilterQuery.parse({});

beforeAll(() => {
  lib = openLibrary(path.join(makeTempDir(), 'lib'));
  ids = insertSyntheticPhotos(lib.db, 1000);
  catId = createClass(lib.db, 'cat').id;
  // every photo labeled except 10, 500 and 990
  setLabels(lib.db, { photoIds: ids.filter((_, i) => ![10, 500, 990].includes(i)), classId: catId, source: 'user' });
});

describe('places in a filter', () => {
  it('gives the same index as paging through the list does', () => {
    const descending = PhotoFilterQuery.parse({ sort: 'takenAt', descending: true });
    const page = listPhotos(lib.db, { ...descending, limit: 10, offset: 700 });
    expect(page.items.map((photo) => indexOfPhoto(lib.db, descending, photo.id))).toEqual([700, 701, 702, 703, 704, 705, 706, 707, 708, 709]);
  });

  it('answers null for a photo the filter does not hold', () => {
    expect(indexOfPhoto(lib.db, PhotoFilterQuery.parse({ unlabeled: true }), ids[11]!)).toBeNull();
    expect(indexOfPhoto(lib.db, PhotoFilterQuery.parse({ unlabeled: true }), ids[500]!)).toBe(1);
  });

  it('finds the next unlabeled photo after a position, wrapping round to the start', () => {
    expect(nextUnlabeledPhoto(lib.db, all, -1)).toEqual({ index: 10, photoId: ids[10] });
    expect(nextUnlabeledPhoto(lib.db, all, 10)).toEqual({ index: 500, photoId: ids[500] });
    expect(nextUnlabeledPhoto(lib.db, all, 990)).toEqual({ index: 10, photoId: ids[10] });
  });

  it('answers null once every photo has a label', () => {
    const catOnly = PhotoFilterQuery.parse({ classId: catId });
    expect(nextUnlabeledPhoto(lib.db, catOnly, -1)).toBeNull();
  });
});
