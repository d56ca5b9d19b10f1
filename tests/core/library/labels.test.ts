import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createClass, deleteClass, listClasses, mergeClasses, renameClass } from '../../../src-main/core/library/classes.js';
import { redoLabels, setLabels, undoLabels } from '../../../src-main/core/library/labels.js';
import { openLibrary, type Library } from '../../../src-main/core/library/library.js';
import { insertSyntheticPhotos } from '../../helpers/insert-photos.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const root = makeTempDir();
let lib: Library;
let photos: number[];
let counter = 0;

const labelOf = (photoId: number) =>
  (lib.db.prepare('SELECT class_id FROM labels WHERE photo_id = ?').pluck().get(photoId) as number | undefined) ?? null;

beforeEach(() => {
  lib?.close();
  lib = openLibrary(path.join(root, `lib${counter++}`));
  photos = insertSyntheticPhotos(lib.db, 10);
});

describe('setLabels', () => {
  it('labels many photos in one batch and journals every change', () => {
    const cat = createClass(lib.db, 'cat');
    const result = setLabels(lib.db, { photoIds: photos.slice(0, 4), classId: cat.id, source: 'user' });
    expect(result.changed).toBe(4);
    expect(photos.slice(0, 4).map(labelOf)).toEqual([cat.id, cat.id, cat.id, cat.id]);
    const events = lib.db.prepare('SELECT DISTINCT batch_id FROM label_events').pluck().all();
    expect(events).toEqual([result.batchId]);
  });

  it('changes nothing when one photo id is unknown', () => {
    const cat = createClass(lib.db, 'cat');
    expect(() => setLabels(lib.db, { photoIds: [photos[0]!, 99_999], classId: cat.id, source: 'user' })).toThrow(/No photo with id 99999/);
    expect(labelOf(photos[0]!)).toBeNull();
    expect(lib.db.prepare('SELECT COUNT(*) FROM label_events').pluck().get()).toBe(0);
  });

  it('skips photos that already have the class', () => {
    const cat = createClass(lib.db, 'cat');
    setLabels(lib.db, { photoIds: [photos[0]!], classId: cat.id, source: 'user' });
    const again = setLabels(lib.db, { photoIds: [photos[0]!, photos[1]!], classId: cat.id, source: 'user' });
    expect(again.photoIds).toEqual([photos[1]]);
  });
});

describe('undoLabels and redoLabels', () => {
  it('undo restores the previous labels of a whole batch, redo re-applies it', () => {
    const cat = createClass(lib.db, 'cat');
    const dog = createClass(lib.db, 'dog');
    setLabels(lib.db, { photoIds: [photos[0]!, photos[1]!], classId: cat.id, source: 'user' });
    setLabels(lib.db, { photoIds: [photos[1]!, photos[2]!], classId: dog.id, source: 'user' });

    undoLabels(lib.db);
    expect([labelOf(photos[0]!), labelOf(photos[1]!), labelOf(photos[2]!)]).toEqual([cat.id, cat.id, null]);
    undoLabels(lib.db);
    expect([labelOf(photos[0]!), labelOf(photos[1]!)]).toEqual([null, null]);
    expect(undoLabels(lib.db).batchId).toBeNull();

    redoLabels(lib.db);
    expect([labelOf(photos[0]!), labelOf(photos[1]!)]).toEqual([cat.id, cat.id]);
    redoLabels(lib.db);
    expect([labelOf(photos[1]!), labelOf(photos[2]!)]).toEqual([dog.id, dog.id]);
    expect(redoLabels(lib.db).batchId).toBeNull();
  });

  it('a new change after undo discards the redo stack', () => {
    const cat = createClass(lib.db, 'cat');
    setLabels(lib.db, { photoIds: [photos[0]!], classId: cat.id, source: 'user' });
    undoLabels(lib.db);
    setLabels(lib.db, { photoIds: [photos[5]!], classId: cat.id, source: 'user' });
    expect(redoLabels(lib.db).batchId).toBeNull();
    expect(labelOf(photos[0]!)).toBeNull();
  });
});

describe('classes', () => {
  it('rejects a duplicate name regardless of case', () => {
    createClass(lib.db, 'Alpaca');
    expect(() => createClass(lib.db, 'alpaca')).toThrow(/already exists/);
  });

  it('renames a class and keeps its photos', () => {
    const cat = createClass(lib.db, 'cat');
    setLabels(lib.db, { photoIds: [photos[0]!], classId: cat.id, source: 'user' });
    expect(renameClass(lib.db, cat.id, 'kitten')).toMatchObject({ name: 'kitten', photoCount: 1 });
  });

  it('merge moves every photo to the target and removes the source; undo brings the labels back', () => {
    const cat = createClass(lib.db, 'cat');
    const kitty = createClass(lib.db, 'kitty');
    setLabels(lib.db, { photoIds: photos.slice(0, 3), classId: kitty.id, source: 'user' });
    setLabels(lib.db, { photoIds: [photos[3]!], classId: cat.id, source: 'user' });
    expect(mergeClasses(lib.db, kitty.id, cat.id).photoCount).toBe(4);
    expect(listClasses(lib.db).map((c) => c.name)).toEqual(['cat']);
    // the source class is gone, so undoing the merge must say so rather than half-apply
    expect(() => undoLabels(lib.db)).toThrow(/was deleted/);
    expect(labelOf(photos[0]!)).toBe(cat.id);
  });

  it('delete leaves its photos unlabeled and reports how many', () => {
    const cat = createClass(lib.db, 'cat');
    setLabels(lib.db, { photoIds: photos.slice(0, 5), classId: cat.id, source: 'user' });
    expect(deleteClass(lib.db, cat.id)).toEqual({ deletedClassId: cat.id, unlabeledPhotos: 5 });
    expect(photos.slice(0, 5).map(labelOf)).toEqual([null, null, null, null, null]);
    expect(lib.db.prepare('SELECT COUNT(*) FROM photos').pluck().get()).toBe(10);
  });
});
