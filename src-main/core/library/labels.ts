// Labels and their journal: set many in one transaction, undo and redo whole user actions (batches).
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../api/errors.js';
import type { LabelChangeResult } from '../../api/schemas.js';

export type LabelSource = 'user' | 'folder' | 'review' | 'cli' | 'merge' | 'class-delete';

const now = () => new Date().toISOString();

function nextBatchId(db: Database): number {
  // removed photos take their events along (core/photos/remove-photos.ts): their batch ids stay reserved for a restore
  const highest = db
    .prepare('SELECT MAX(COALESCE((SELECT MAX(batch_id) FROM label_events), 0), COALESCE((SELECT MAX(max_batch_id) FROM removals), 0))')
    .pluck()
    .get() as number;
  return highest + 1;
}

function writeLabel(db: Database, photoId: number, classId: number | null, source: string, at: string): void {
  if (classId === null) {
    db.prepare('DELETE FROM labels WHERE photo_id = ?').run(photoId);
  } else {
    db.prepare(
      `INSERT INTO labels (photo_id, class_id, source, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (photo_id) DO UPDATE SET class_id = excluded.class_id, source = excluded.source, updated_at = excluded.updated_at`,
    ).run(photoId, classId, source, at);
  }
}

/**
 * Sets the label of each photo, journals the changes as one batch and discards the redo stack.
 * Must run inside a transaction (callers: setLabels, mergeClasses, deleteClass).
 */
export function recordLabelBatch(db: Database, photoIds: readonly number[], classId: number | null, source: LabelSource): LabelChangeResult {
  const currentOf = db.prepare('SELECT class_id FROM labels WHERE photo_id = ?').pluck();
  const insertEvent = db.prepare(
    `INSERT INTO label_events (batch_id, photo_id, old_class_id, new_class_id, source, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const batchId = nextBatchId(db);
  const at = now();
  const changed: number[] = [];
  for (const photoId of new Set(photoIds)) {
    const old = (currentOf.get(photoId) as number | undefined) ?? null;
    if (old === classId) continue;
    writeLabel(db, photoId, classId, source, at);
    insertEvent.run(batchId, photoId, old, classId, source, at);
    changed.push(photoId);
  }
  if (changed.length === 0) return { batchId: null, changed: 0, photoIds: [] };
  db.prepare(`UPDATE label_events SET state = 'discarded' WHERE state = 'undone'`).run();
  return { batchId, changed: changed.length, photoIds: changed };
}

export function setLabels(
  db: Database,
  request: { photoIds: readonly number[]; classId: number | null; source: LabelSource },
): LabelChangeResult {
  return db.transaction(() => {
    if (request.classId !== null && !db.prepare('SELECT 1 FROM classes WHERE id = ?').get(request.classId)) {
      throw new StudioError('NOT_FOUND', `No class with id ${request.classId}`);
    }
    const known = db.prepare('SELECT 1 FROM photos WHERE id = ?');
    const unknown = request.photoIds.filter((id) => !known.get(id));
    if (unknown.length > 0) throw new StudioError('NOT_FOUND', `No photo with id ${unknown.slice(0, 5).join(', ')}`, { unknown });
    return recordLabelBatch(db, request.photoIds, request.classId, request.source);
  })();
}

interface EventRow {
  photo_id: number;
  old_class_id: number | null;
  new_class_id: number | null;
  source: string;
}

function applyBatch(db: Database, from: 'done' | 'undone', to: 'done' | 'undone', pick: 'MAX' | 'MIN'): LabelChangeResult {
  return db.transaction(() => {
    const batchId = db.prepare(`SELECT ${pick}(batch_id) FROM label_events WHERE state = ?`).pluck().get(from) as number | null;
    if (batchId === null) return { batchId: null, changed: 0, photoIds: [] };
    const events = db.prepare('SELECT photo_id, old_class_id, new_class_id, source FROM label_events WHERE batch_id = ? ORDER BY id').all(batchId) as EventRow[];
    const classExists = db.prepare('SELECT 1 FROM classes WHERE id = ?');
    const at = now();
    for (const event of events) {
      const target = to === 'undone' ? event.old_class_id : event.new_class_id;
      if (target !== null && !classExists.get(target)) {
        throw new StudioError('CONFLICT', `Cannot ${to === 'undone' ? 'undo' : 'redo'}: a class it needs (id ${target}) was deleted`);
      }
      writeLabel(db, event.photo_id, target, event.source, at);
    }
    db.prepare('UPDATE label_events SET state = ? WHERE batch_id = ?').run(to, batchId);
    const photoIds = events.map((e) => e.photo_id);
    return { batchId, changed: photoIds.length, photoIds };
  })();
}

/** Reverts the most recent label action that is not undone yet. */
export function undoLabels(db: Database): LabelChangeResult {
  return applyBatch(db, 'done', 'undone', 'MAX');
}

/** Re-applies the earliest undone action (undone batches form a stack above the last done one). */
export function redoLabels(db: Database): LabelChangeResult {
  return applyBatch(db, 'undone', 'done', 'MIN');
}
