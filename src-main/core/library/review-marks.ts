// Review outcomes on photos: exclude from training, confirm the current label (so it leaves the review queues).
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../api/errors.js';

export function setExcluded(db: Database, photoIds: readonly number[], excluded: boolean): number {
  const update = db.prepare('UPDATE photos SET excluded = ? WHERE id = ?');
  return db.transaction(() => photoIds.reduce((n, id) => n + update.run(excluded ? 1 : 0, id).changes, 0))();
}

export function confirmLabel(db: Database, photoId: number): void {
  db.transaction(() => {
    const classId = db.prepare('SELECT class_id FROM labels WHERE photo_id = ?').pluck().get(photoId) as number | undefined;
    if (classId === undefined) throw new StudioError('CONFLICT', `Photo ${photoId} has no label to keep; choose a class instead`);
    db.prepare(
      `INSERT INTO label_confirmations (photo_id, class_id, confirmed_at) VALUES (?, ?, ?)
       ON CONFLICT (photo_id) DO UPDATE SET class_id = excluded.class_id, confirmed_at = excluded.confirmed_at`,
    ).run(photoId, classId, new Date().toISOString());
  })();
}

/** Takes back a confirmation (undo of "keep"). */
export function removeConfirmation(db: Database, photoId: number): void {
  db.prepare('DELETE FROM label_confirmations WHERE photo_id = ?').run(photoId);
}

/** SQL condition (on alias `p`) true for photos whose current label a person confirmed. */
export const LABEL_CONFIRMED_SQL = `EXISTS (SELECT 1 FROM label_confirmations lc JOIN labels lx ON lx.photo_id = lc.photo_id
  WHERE lc.photo_id = p.id AND lx.class_id = lc.class_id)`;
