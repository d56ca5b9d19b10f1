// The SQL import needs: a slim index of known photos, and the row writes (insert, update, move, status).
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { ExifFacts } from './read-exif.js';
import type { DerivedImages } from './derive-images.js';
import type { PhotoRow } from '../library/photo-list.js';

export type PhotoStatus = 'ok' | 'missing' | 'unreadable';

export interface KnownPhoto {
  id: number;
  path: string;
  content_hash: string;
  size_bytes: number;
  mtime_ms: number;
  status: PhotoStatus;
}

/** Everything import learns about one file's content. */
export interface ContentFacts extends DerivedImages, Omit<ExifFacts, 'orientation'> {
  contentHash: string;
}

export interface FileFacts {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
}

export function loadKnownPhotos(db: Database): Map<string, KnownPhoto> {
  const rows = db.prepare('SELECT id, path, content_hash, size_bytes, mtime_ms, status FROM photos').all() as KnownPhoto[];
  return new Map(rows.map((row) => [row.path, row]));
}

type ContentRow = Pick<
  PhotoRow,
  'id' | 'path' | 'format' | 'width' | 'height' | 'orientation' | 'taken_at' | 'gps_lat' | 'gps_lon' | 'camera'
> & { phash: string | null };

export function findPhotosByHash(db: Database, hash: string): ContentRow[] {
  return db
    .prepare(
      `SELECT id, path, format, width, height, orientation, taken_at, gps_lat, gps_lon, camera, phash
       FROM photos WHERE content_hash = ? ORDER BY id`,
    )
    .all(hash) as ContentRow[];
}

/** Content facts of an already imported copy of the same bytes (saves a decode), if it has a perceptual hash. */
export function contentFactsOf(row: ContentRow, contentHash: string): ContentFacts | null {
  if (row.phash === null || row.width === null || row.height === null) return null;
  return {
    contentHash,
    format: row.format,
    width: row.width,
    height: row.height,
    orientation: row.orientation,
    phash: row.phash,
    warnings: [],
    takenAt: row.taken_at,
    gps: row.gps_lat !== null && row.gps_lon !== null ? { lat: row.gps_lat, lon: row.gps_lon } : null,
    camera: row.camera,
  };
}

function fileColumns(file: FileFacts) {
  return {
    path: file.path,
    folder: path.dirname(file.path),
    file_name: path.basename(file.path),
    size_bytes: file.sizeBytes,
    mtime_ms: Math.trunc(file.mtimeMs),
  };
}

function contentColumns(facts: ContentFacts) {
  return {
    content_hash: facts.contentHash,
    format: facts.format,
    width: facts.width,
    height: facts.height,
    orientation: facts.orientation,
    taken_at: facts.takenAt,
    gps_lat: facts.gps?.lat ?? null,
    gps_lon: facts.gps?.lon ?? null,
    camera: facts.camera,
    phash: facts.phash,
  };
}

/** Prepared once per import; every method must run inside the caller's transaction. */
export function preparePhotoWrites(db: Database) {
  const insert = db.prepare(
    `INSERT INTO photos (path, folder, file_name, content_hash, size_bytes, mtime_ms, format, width, height, orientation,
       taken_at, gps_lat, gps_lon, camera, phash, status, status_reason, imported_at, updated_at)
     VALUES (@path, @folder, @file_name, @content_hash, @size_bytes, @mtime_ms, @format, @width, @height, @orientation,
       @taken_at, @gps_lat, @gps_lon, @camera, @phash, 'ok', NULL, @now, @now)`,
  );
  const updateContent = db.prepare(
    `UPDATE photos SET content_hash = @content_hash, size_bytes = @size_bytes, mtime_ms = @mtime_ms, format = @format,
       width = @width, height = @height, orientation = @orientation, taken_at = @taken_at, gps_lat = @gps_lat,
       gps_lon = @gps_lon, camera = @camera, phash = @phash, status = 'ok', status_reason = NULL, updated_at = @now
     WHERE id = @id`,
  );
  const updateFile = db.prepare(
    `UPDATE photos SET path = @path, folder = @folder, file_name = @file_name, size_bytes = @size_bytes,
       mtime_ms = @mtime_ms, status = 'ok', status_reason = NULL, updated_at = @now WHERE id = @id`,
  );
  const setStatus = db.prepare('UPDATE photos SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?');
  const byPath = db.prepare('SELECT id, content_hash FROM photos WHERE path = ?');
  const pathOf = db.prepare('SELECT path FROM photos WHERE id = ?').pluck();
  const setPath = db.prepare('UPDATE photos SET path = ? WHERE id = ?');

  return {
    /** The row at a path now (inside the write transaction, so another process's commits are seen). */
    findByPath(file: string): { id: number; content_hash: string } | undefined {
      return byPath.get(file) as { id: number; content_hash: string } | undefined;
    },
    insert(file: FileFacts, facts: ContentFacts, now: string): number {
      return Number(insert.run({ ...fileColumns(file), ...contentColumns(facts), now }).lastInsertRowid);
    },
    /** Same path, new bytes: the row (and so its label) stays, its content facts are replaced. */
    updateContent(id: number, file: FileFacts, facts: ContentFacts, now: string): void {
      const { size_bytes, mtime_ms } = fileColumns(file);
      updateContent.run({ ...contentColumns(facts), size_bytes, mtime_ms, now, id });
    },
    /** Same bytes at a (possibly) new path or with a new mtime; also brings a missing photo back to ok. */
    updateFile(id: number, file: FileFacts, now: string): void {
      updateFile.run({ ...fileColumns(file), now, id });
    },
    /** Moves a row off its path to a unique placeholder (rows about to trade paths); returns the path it had. */
    parkPath(id: number): string {
      const original = pathOf.get(id) as string;
      setPath.run(`${original}\u0000moving ${id}`, id);
      return original;
    },
    unparkPath(id: number, original: string): void {
      setPath.run(original, id);
    },
    setStatus(id: number, status: PhotoStatus, reason: string | null, now: string): void {
      setStatus.run(status, reason, now, id);
    },
  };
}

export type PhotoWrites = ReturnType<typeof preparePhotoWrites>;

/** Photos under `root` (any depth) that are not missing yet; the caller decides which vanished. */
export function listPresentPhotosUnder(db: Database, root: string): { id: number; path: string }[] {
  const prefix = root.endsWith(path.sep) ? root : `${root}${path.sep}`;
  return db
    .prepare(`SELECT id, path FROM photos WHERE status != 'missing' AND substr(path, 1, length(?)) = ?`)
    .all(prefix, prefix) as { id: number; path: string }[];
}

export const MISSING_REASON = 'file not found at its path during the last import';
