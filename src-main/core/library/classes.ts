// Classes: create, rename, merge, delete, list with photo counts.
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../api/errors.js';
import type { ClassInfo } from '../../api/schemas.js';
import { recordLabelBatch } from './labels.js';

/**
 * Okabe–Ito: told apart with every common colour-vision deficiency (no red/green pair), each readable with black or
 * white text; new classes take the next colour.
 */
export const CLASS_COLORS = ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7', '#999999'];
/** The palette before Okabe–Ito (red first, green second): a class still stored with one shows the new colour of its slot. */
const LEGACY_COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#469990', '#9a6324'];

function displayColor(stored: string): string {
  const legacy = LEGACY_COLORS.indexOf(stored.toLowerCase());
  return legacy < 0 ? stored : CLASS_COLORS[legacy % CLASS_COLORS.length]!;
}

interface ClassRow {
  id: number;
  name: string;
  color: string;
  sort_order: number;
  photo_count: number;
}

function rowToClass(row: ClassRow): ClassInfo {
  return { id: row.id, name: row.name, color: displayColor(row.color), order: row.sort_order, photoCount: row.photo_count };
}

const now = () => new Date().toISOString();

export function listClasses(db: Database): ClassInfo[] {
  const rows = db
    .prepare(
      `SELECT c.id, c.name, c.color, c.sort_order,
              (SELECT COUNT(*) FROM labels l WHERE l.class_id = c.id) AS photo_count
       FROM classes c ORDER BY c.sort_order, c.id`,
    )
    .all() as ClassRow[];
  return rows.map(rowToClass);
}

export function getClass(db: Database, id: number): ClassInfo {
  const found = listClasses(db).find((c) => c.id === id);
  if (!found) throw new StudioError('NOT_FOUND', `No class with id ${id}`);
  return found;
}

export function findClassByName(db: Database, name: string): ClassInfo | undefined {
  const row = db.prepare('SELECT id FROM classes WHERE name = ?').get(name.trim()) as { id: number } | undefined;
  return row ? getClass(db, row.id) : undefined;
}

export function createClass(db: Database, name: string, color?: string): ClassInfo {
  const trimmed = name.trim();
  // the check and the insert in one write transaction: two processes creating one name get CONFLICT, not a UNIQUE error
  return db.transaction(() => {
    if (findClassByName(db, trimmed)) throw new StudioError('CONFLICT', `A class named "${trimmed}" already exists`);
    const { n, maxOrder } = db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(sort_order), -1) AS maxOrder FROM classes').get() as {
      n: number;
      maxOrder: number;
    };
    const info = db
      .prepare('INSERT INTO classes (name, color, sort_order, created_at) VALUES (?, ?, ?, ?)')
      .run(trimmed, color ?? CLASS_COLORS[n % CLASS_COLORS.length], maxOrder + 1, now());
    return getClass(db, Number(info.lastInsertRowid));
  })();
}

/** Returns the id of the class with this name, creating it when missing. */
export function ensureClass(db: Database, name: string): number {
  return db.transaction(() => (findClassByName(db, name) ?? createClass(db, name)).id)();
}

export function renameClass(db: Database, id: number, name: string): ClassInfo {
  return db.transaction(() => {
    getClass(db, id);
    const other = findClassByName(db, name);
    if (other && other.id !== id) throw new StudioError('CONFLICT', `A class named "${name.trim()}" already exists`);
    db.prepare('UPDATE classes SET name = ? WHERE id = ?').run(name.trim(), id);
    return getClass(db, id);
  })();
}

/** Moves every photo of `sourceId` to `targetId` (journaled, undoable) and removes the source class. */
export function mergeClasses(db: Database, sourceId: number, targetId: number): ClassInfo {
  if (sourceId === targetId) throw new StudioError('INVALID_INPUT', 'Cannot merge a class into itself');
  return db.transaction(() => {
    getClass(db, sourceId);
    getClass(db, targetId);
    const photoIds = photoIdsOfClass(db, sourceId);
    recordLabelBatch(db, photoIds, targetId, 'merge');
    db.prepare('DELETE FROM classes WHERE id = ?').run(sourceId);
    return getClass(db, targetId);
  })();
}

/** Deletes a class; its photos become unlabeled (journaled, so undo restores labels once the class is recreated). */
export function deleteClass(db: Database, id: number): { deletedClassId: number; unlabeledPhotos: number } {
  return db.transaction(() => {
    getClass(db, id);
    const photoIds = photoIdsOfClass(db, id);
    recordLabelBatch(db, photoIds, null, 'class-delete');
    db.prepare('DELETE FROM classes WHERE id = ?').run(id);
    return { deletedClassId: id, unlabeledPhotos: photoIds.length };
  })();
}

function photoIdsOfClass(db: Database, classId: number): number[] {
  return (db.prepare('SELECT photo_id FROM labels WHERE class_id = ?').pluck().all(classId) as number[]);
}
