// Labels from folders (like Keras image_dataset_from_directory): class = first-level subfolder under the
// imported root. Only photos that have never been labeled get one, so a user's edit (or a cleared label) wins.
import type { Database } from 'better-sqlite3';
import { ensureClass } from '../library/classes.js';
import { setLabels } from '../library/labels.js';

/** Returns how many photos were labeled. One journal batch per class, so one undo reverts a class's folder labels. */
export function applyFolderLabels(db: Database, candidates: readonly { photoId: number; folderClass: string }[]): number {
  if (candidates.length === 0) return 0;
  return db.transaction(() => {
    // one pass over the label tables instead of a query per photo (a re-import may bring 100k candidates)
    const everLabeled = new Set(db.prepare('SELECT photo_id FROM labels UNION SELECT photo_id FROM label_events').pluck().all() as number[]);
    const byClass = new Map<string, number[]>();
    for (const { photoId, folderClass } of candidates) {
      if (everLabeled.has(photoId)) continue;
      const ids = byClass.get(folderClass);
      if (ids) ids.push(photoId);
      else byClass.set(folderClass, [photoId]);
    }
    let labeled = 0;
    for (const [name, photoIds] of byClass) {
      labeled += setLabels(db, { photoIds, classId: ensureClass(db, name), source: 'folder' }).changed;
    }
    return labeled;
  }).immediate();
}
