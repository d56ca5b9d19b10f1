// Photo queries for the grid and the CLI: filter by class / unlabeled / folder / near-duplicate group, sort, page.
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../api/errors.js';
import type { Photo, PhotoDetail, PhotoPage, PhotoQuery, DuplicateGroup } from '../../api/schemas.js';

export interface PhotoRow {
  id: number;
  path: string;
  folder: string;
  file_name: string;
  content_hash: string;
  size_bytes: number;
  format: string | null;
  width: number | null;
  height: number | null;
  orientation: number | null;
  taken_at: string | null;
  gps_lat: number | null;
  gps_lon: number | null;
  camera: string | null;
  dup_group: number | null;
  status: 'ok' | 'missing' | 'unreadable';
  status_reason: string | null;
  imported_at: string;
  class_id: number | null;
  class_name: string | null;
}

export function rowToPhoto(row: PhotoRow): Photo {
  return {
    id: row.id,
    path: row.path,
    folder: row.folder,
    fileName: row.file_name,
    contentHash: row.content_hash,
    sizeBytes: row.size_bytes,
    format: row.format,
    width: row.width,
    height: row.height,
    takenAt: row.taken_at,
    camera: row.camera,
    gps: row.gps_lat !== null && row.gps_lon !== null ? { lat: row.gps_lat, lon: row.gps_lon } : null,
    dupGroup: row.dup_group,
    status: row.status,
    statusReason: row.status_reason,
    classId: row.class_id,
    className: row.class_name,
    excluded: false,
    prediction: null,
  };
}

const SELECT_PHOTO = `SELECT p.*, l.class_id AS class_id, c.name AS class_name
  FROM photos p LEFT JOIN labels l ON l.photo_id = p.id LEFT JOIN classes c ON c.id = l.class_id`;

// Sort keys end in p.id so paging is stable; each has a matching index (see migration 0001).
const ORDER_BY: Record<PhotoQuery['sort'], (dir: string) => string> = {
  name: (dir) => `p.file_name ${dir}, p.id ${dir}`,
  takenAt: (dir) => `p.taken_at ${dir} NULLS LAST, p.id ${dir}`,
  id: (dir) => `p.id ${dir}`,
  confidence: (dir) => `p.id ${dir}`,
  labelErrorScore: (dir) => `p.id ${dir}`,
};

function whereClause(query: PhotoQuery): { sql: string; params: Record<string, unknown> } {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  if (query.classId !== undefined) {
    conditions.push('l.class_id = @classId');
    params.classId = query.classId;
  }
  if (query.unlabeled) conditions.push('l.class_id IS NULL');
  if (query.folder !== undefined) {
    // the folder itself and everything below it
    conditions.push(`(p.folder = @folder OR substr(p.folder, 1, length(@folderPrefix)) = @folderPrefix)`);
    params.folder = query.folder.replace(/[\\/]+$/, '');
    params.folderPrefix = `${params.folder}/`;
  }
  if (query.dupGroup !== undefined) {
    conditions.push('p.dup_group = @dupGroup');
    params.dupGroup = query.dupGroup;
  }
  if (query.onlyDuplicates) conditions.push('p.dup_group IS NOT NULL');
  if (query.status !== undefined) {
    conditions.push('p.status = @status');
    params.status = query.status;
  }
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/** The SQL behind listPhotos, separate so tests can check its query plan. */
export function photoListSql(query: PhotoQuery): { count: string; page: string; params: Record<string, unknown> } {
  const { sql, params } = whereClause(query);
  const dir = query.descending ? 'DESC' : 'ASC';
  return {
    count: `SELECT COUNT(*) FROM photos p LEFT JOIN labels l ON l.photo_id = p.id ${sql}`,
    page: `${SELECT_PHOTO} ${sql} ORDER BY ${ORDER_BY[query.sort](dir)} LIMIT @limit OFFSET @offset`,
    params: { ...params, limit: query.limit, offset: query.offset },
  };
}

export function listPhotos(db: Database, query: PhotoQuery): PhotoPage {
  const sql = photoListSql(query);
  const { limit: _limit, offset: _offset, ...countParams } = sql.params;
  const total = db.prepare(sql.count).pluck().get(countParams) as number;
  const rows = db.prepare(sql.page).all(sql.params) as PhotoRow[];
  return { total, items: rows.map(rowToPhoto) };
}

export function getPhoto(db: Database, id: number): PhotoDetail {
  const row = db.prepare(`${SELECT_PHOTO} WHERE p.id = ?`).get(id) as PhotoRow | undefined;
  if (!row) throw new StudioError('NOT_FOUND', `No photo with id ${id}`);
  return { ...rowToPhoto(row), orientation: row.orientation, importedAt: row.imported_at };
}

export function findPhotoIdByPath(db: Database, filePath: string): number | undefined {
  return db.prepare('SELECT id FROM photos WHERE path = ?').pluck().get(filePath) as number | undefined;
}

export function listDuplicateGroups(db: Database, paging: { limit: number; offset: number }): DuplicateGroup[] {
  const rows = db
    .prepare(
      `SELECT dup_group AS grp, group_concat(id) AS ids FROM photos WHERE dup_group IS NOT NULL
       GROUP BY dup_group ORDER BY dup_group LIMIT ? OFFSET ?`,
    )
    .all(paging.limit, paging.offset) as { grp: number; ids: string }[];
  return rows.map((r) => ({ group: r.grp, photoIds: r.ids.split(',').map(Number).sort((a, b) => a - b) }));
}
