// Removing photos from the library and restoring them. A removal moves each photo's rows (the photo, its label,
// its journal events, review marks, run snapshots and predictions) into `removed_photos` as JSON and deletes them,
// so no listing, count or training query has to know about removed photos; a restore writes them back. The
// original files are never touched, and cached thumbnails / model inputs (keyed by content) stay for a restore.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../api/errors.js';
import { REMOVAL_LIST_LIMIT, type RemovalReport, type RemovalScope, type RemoveRequest, type RestoreReport } from '../../api/removal-schemas.js';
import { deletePhotoRows, prepareRowWriter, readPhotoRows, type ArchivedPhoto, PHOTO_CHILD_TABLES } from './removal-archive.js';
import { requireAbsoluteFolder } from './preview-import.js';

interface PlannedPhoto {
  id: number;
  path: string;
  className: string | null;
  status: 'ok' | 'missing' | 'unreadable';
}

const PLAN_COLUMNS = `SELECT p.id, p.path, c.name AS className, p.status
  FROM photos p LEFT JOIN labels l ON l.photo_id = p.id LEFT JOIN classes c ON c.id = l.class_id`;

/** Stored paths are real paths (import resolves links), so a folder typed through a link is resolved too. */
function realFolder(folder: string): string {
  try {
    return fs.realpathSync.native(folder);
  } catch {
    return folder;
  }
}

function planRemoval(db: Database, request: RemoveRequest): { scope: RemovalScope; folder: string | null; photos: PlannedPhoto[] } {
  if (request.photoIds) {
    const ids = [...new Set(request.photoIds)];
    const photos = db.prepare(`${PLAN_COLUMNS} WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.path`).all(JSON.stringify(ids)) as PlannedPhoto[];
    if (photos.length < ids.length) {
      const found = new Set(photos.map((p) => p.id));
      const unknown = ids.filter((id) => !found.has(id));
      throw new StudioError('NOT_FOUND', `No photo with id ${unknown.slice(0, 5).join(', ')}`, { unknown });
    }
    return { scope: 'ids', folder: null, photos };
  }
  if (request.folder !== undefined) {
    requireAbsoluteFolder(request.folder);
    const folder = realFolder(request.folder).replace(/[\\/]+$/, '') || path.sep;
    const prefix = folder.endsWith(path.sep) ? folder : `${folder}${path.sep}`;
    const photos = db
      .prepare(`${PLAN_COLUMNS} WHERE p.folder = @folder OR substr(p.path, 1, length(@prefix)) = @prefix ORDER BY p.path`)
      .all({ folder, prefix }) as PlannedPhoto[];
    return { scope: 'folder', folder, photos };
  }
  return { scope: 'missing', folder: null, photos: db.prepare(`${PLAN_COLUMNS} WHERE p.status = 'missing' ORDER BY p.path`).all() as PlannedPhoto[] };
}

/** Removes (or with dryRun lists) the photos of a request; one removal, restorable with restoreRemoval. */
export function removePhotos(db: Database, request: RemoveRequest): RemovalReport {
  return db.transaction((): RemovalReport => {
    const plan = planRemoval(db, request);
    const report = {
      dryRun: request.dryRun,
      scope: plan.scope,
      folder: plan.folder,
      count: plan.photos.length,
      labeled: plan.photos.filter((p) => p.className !== null).length,
      photos: plan.photos.slice(0, REMOVAL_LIST_LIMIT),
    };
    if (request.dryRun || plan.photos.length === 0) return { removalId: null, ...report };
    const ids = plan.photos.map((p) => p.id);
    const archived = readPhotoRows(db, ids);
    const maxBatchId = db.prepare('SELECT COALESCE(MAX(batch_id), 0) FROM label_events').pluck().get() as number;
    const removalId = Number(
      db
        .prepare('INSERT INTO removals (created_at, scope, folder, photo_count, max_batch_id) VALUES (?, ?, ?, ?, ?)')
        .run(new Date().toISOString(), plan.scope, plan.folder, ids.length, maxBatchId).lastInsertRowid,
    );
    const keep = db.prepare('INSERT INTO removed_photos (removal_id, photo_id, path, rows) VALUES (?, ?, ?, ?)');
    for (const [id, rows] of archived) keep.run(removalId, id, rows.photos.path, JSON.stringify(rows));
    deletePhotoRows(db, ids);
    return { removalId, ...report };
  })();
}

interface RemovalRow {
  id: number;
  restored_at: string | null;
}

function findRemoval(db: Database, removalId: number | undefined): RemovalRow {
  if (removalId === undefined) {
    const latest = db.prepare('SELECT id, restored_at FROM removals WHERE restored_at IS NULL ORDER BY id DESC LIMIT 1').get() as RemovalRow | undefined;
    if (!latest) throw new StudioError('NOT_FOUND', 'Nothing to restore: no removal is waiting to be undone');
    return latest;
  }
  const row = db.prepare('SELECT id, restored_at FROM removals WHERE id = ?').get(removalId) as RemovalRow | undefined;
  if (!row) throw new StudioError('NOT_FOUND', `No removal with id ${removalId}`);
  if (row.restored_at !== null) throw new StudioError('CONFLICT', `Removal ${removalId} was already restored`);
  return row;
}

/** Puts the photos of a removal back with their labels, journal, review marks and run rows. A photo whose path is
 *  in the library again (a later import) is skipped; one whose id was taken meanwhile gets a new id. Rows that
 *  point at a class or run deleted since are left out (the photo comes back without that label or prediction). */
export function restoreRemoval(db: Database, removalId?: number): RestoreReport {
  return db.transaction((): RestoreReport => {
    const removal = findRemoval(db, removalId);
    const entries = db.prepare('SELECT photo_id AS photoId, path, rows FROM removed_photos WHERE removal_id = ? ORDER BY path').all(removal.id) as Array<{
      photoId: number;
      path: string;
      rows: string;
    }>;
    const write = prepareRowWriter(db);
    const pathTaken = db.prepare('SELECT 1 FROM photos WHERE path = ?').pluck();
    const idTaken = db.prepare('SELECT 1 FROM photos WHERE id = ?').pluck();
    const classExists = db.prepare('SELECT 1 FROM classes WHERE id = ?').pluck();
    const runExists = db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck();
    const photoIds: number[] = [];
    const skipped: RestoreReport['skipped'] = [];
    for (const entry of entries) {
      if (pathTaken.get(entry.path)) {
        skipped.push({ path: entry.path, reason: 'already back in the library (imported again after the removal)' });
        continue;
      }
      const archived = JSON.parse(entry.rows) as ArchivedPhoto;
      const { id: oldId, ...photo } = archived.photos;
      const id = idTaken.get(oldId) ? write('photos', photo) : write('photos', { id: oldId, ...photo });
      photoIds.push(id);
      for (const table of PHOTO_CHILD_TABLES) {
        for (const row of archived.children[table] ?? []) {
          if (table === 'labels' && !classExists.get(row.class_id)) continue;
          if ((table === 'run_photos' || table === 'predictions') && !runExists.get(row.run_id)) continue;
          // journal events get fresh ids (theirs may be taken); order within a batch does not matter to undo
          const values = table === 'label_events' ? Object.fromEntries(Object.entries(row).filter(([key]) => key !== 'id')) : row;
          write(table, { ...values, photo_id: id });
        }
      }
    }
    db.prepare('UPDATE removals SET restored_at = ? WHERE id = ?').run(new Date().toISOString(), removal.id);
    return { removalId: removal.id, restored: photoIds.length, photoIds, skipped };
  })();
}
