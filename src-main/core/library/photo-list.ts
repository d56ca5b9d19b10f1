// Photo queries for the grid and the CLI: filter by class / unlabeled / folder / file name / near-duplicate group,
// sort, page.
import type { Database } from 'better-sqlite3';
import type { ClassProbabilities } from '../../api/class-probabilities.js';
import { StudioError } from '../../api/errors.js';
import { toClassProbabilities } from './class-probabilities.js';
import type { Photo, PhotoDetail, PhotoPage, PhotoQuery, DuplicateGroup } from '../../api/schemas.js';
import { addPhotoFactConditions } from './photo-fact-filters.js';
import { foldCase } from './sql-functions.js';

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
  excluded: number;
  pred_run_id: number | null;
  pred_class_id: number | null;
  pred_confidence: number | null;
  run_split: 'train' | 'val' | 'out-of-fold' | null;
  /** only in rows read through SELECT_PHOTO */
  dup_distance?: number | null;
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
    dupDistance: row.dup_distance ?? null,
    status: row.status,
    statusReason: row.status_reason,
    classId: row.class_id,
    className: row.class_name,
    excluded: row.excluded === 1,
    prediction:
      row.pred_run_id !== null && row.pred_class_id !== null && row.pred_confidence !== null
        ? { runId: row.pred_run_id, classId: row.pred_class_id, confidence: row.pred_confidence, split: row.run_split ?? 'none' }
        : null,
  };
}

// @runId is the run whose predictions are shown: the one asked for, else the latest finished run (NULL: none).
export const FROM_PHOTOS = `FROM photos p LEFT JOIN labels l ON l.photo_id = p.id
  LEFT JOIN predictions pr ON pr.photo_id = p.id AND pr.run_id = @runId
  LEFT JOIN run_photos rp ON rp.photo_id = p.id AND rp.run_id = @runId`;
const SELECT_PHOTO = `SELECT p.*, l.class_id AS class_id, c.name AS class_name,
  pr.run_id AS pred_run_id, pr.class_id AS pred_class_id, pr.confidence AS pred_confidence,
  CASE WHEN rp.fold IS NOT NULL THEN 'out-of-fold' ELSE rp.split END AS run_split,
  CASE WHEN p.dup_group IS NULL THEN NULL ELSE (SELECT MIN(phash_distance(p.phash, o.phash)) FROM photos o
    WHERE o.dup_group = p.dup_group AND o.id <> p.id) END AS dup_distance
  ${FROM_PHOTOS} LEFT JOIN classes c ON c.id = l.class_id`;

// Sort keys end in p.id so paging is stable; each has a matching index (migrations 0001, 0007).
const ORDER_BY: Record<PhotoQuery['sort'], (dir: string) => string> = {
  // case-insensitive natural order: name_key is natural_sort_key(file_name) (sql-functions.ts, migration 0007)
  name: (dir) => `p.name_key ${dir}, p.id ${dir}`,
  takenAt: (dir) => `p.taken_at ${dir} NULLS LAST, p.id ${dir}`,
  id: (dir) => `p.id ${dir}`,
  confidence: (dir) => `pr.confidence ${dir} NULLS LAST, p.id ${dir}`,
  // most suspicious first by default
  labelErrorScore: (dir) => `pr.label_error_score ${dir === 'ASC' ? 'DESC' : 'ASC'} NULLS LAST, p.id ${dir}`,
  // most unlike any class first by default
  outlierScore: (dir) => `pr.outlier_score ${dir === 'ASC' ? 'DESC' : 'ASC'} NULLS LAST, p.id ${dir}`,
};

export function whereClause(query: PhotoQuery): { sql: string; params: Record<string, unknown> } {
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
  const search = foldCase(query.search?.trim() ?? '');
  if (search) {
    conditions.push('instr(fold_case(p.file_name), @search) > 0');
    params.search = search;
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
  if (query.predictedClassId !== undefined) {
    conditions.push('pr.class_id = @predictedClassId');
    params.predictedClassId = query.predictedClassId;
  }
  if (query.misclassified) conditions.push('pr.class_id IS NOT NULL AND l.class_id IS NOT NULL AND pr.class_id <> l.class_id');
  if (query.split !== undefined) {
    conditions.push('rp.split = @split');
    params.split = query.split;
  }
  addPhotoFactConditions(query, conditions, params);
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/** The list order: near-duplicates side by side (group by group) when the filter shows only them. */
function orderBy(query: Omit<PhotoQuery, 'limit' | 'offset'>): string {
  const order = ORDER_BY[query.sort](query.descending ? 'DESC' : 'ASC');
  return query.onlyDuplicates ? `p.dup_group, ${order}` : order;
}

/** The SQL behind listPhotos, separate so tests can check its query plan. */
export function photoListSql(query: PhotoQuery): { count: string; page: string; params: Record<string, unknown> } {
  const { sql, params } = whereClause(query);
  return {
    count: `SELECT COUNT(*) ${FROM_PHOTOS} ${sql}`,
    page: `${SELECT_PHOTO} ${sql} ORDER BY ${orderBy(query)} LIMIT @limit OFFSET @offset`,
    params: { ...params, runId: query.runId ?? null, limit: query.limit, offset: query.offset },
  };
}

export function resolveRunId(db: Database, runId: number | undefined): number | null {
  if (runId !== undefined) return runId;
  return (db.prepare(`SELECT MAX(id) FROM runs WHERE status = 'done'`).pluck().get() as number | null) ?? null;
}

export function listPhotos(db: Database, query: PhotoQuery): PhotoPage {
  const sql = photoListSql(query);
  sql.params.runId = resolveRunId(db, query.runId);
  const { limit: _limit, offset: _offset, ...countParams } = sql.params;
  const total = db.prepare(sql.count).pluck().get(countParams) as number;
  const rows = db.prepare(sql.page).all(sql.params) as PhotoRow[];
  return { total, items: rows.map(rowToPhoto) };
}

/** The photos with these ids, in id order (unknown ids left out; duplicates once), with the run's predictions. */
export function listPhotosByIds(db: Database, ids: readonly number[], runId?: number): Photo[] {
  const rows = db
    .prepare(`${SELECT_PHOTO} WHERE p.id IN (SELECT value FROM json_each(@ids)) ORDER BY p.id`)
    .all({ ids: JSON.stringify(ids), runId: resolveRunId(db, runId) }) as PhotoRow[];
  return rows.map(rowToPhoto);
}

export function getPhoto(db: Database, id: number, runId?: number): PhotoDetail {
  const row = db.prepare(`${SELECT_PHOTO} WHERE p.id = @id`).get({ id, runId: resolveRunId(db, runId) }) as PhotoRow | undefined;
  if (!row) throw new StudioError('NOT_FOUND', `No photo with id ${id}`);
  return { ...rowToPhoto(row), orientation: row.orientation, importedAt: row.imported_at, probabilities: predictionProbabilities(db, row) };
}

/** The shown run's class probabilities for the photo (predictions store them in the run's class order). */
function predictionProbabilities(db: Database, row: PhotoRow): ClassProbabilities | null {
  if (row.pred_run_id === null) return null;
  const found = db
    .prepare(
      `SELECT pr.probabilities AS probabilities, json_extract(r.config, '$.classes') AS classes
       FROM predictions pr JOIN runs r ON r.id = pr.run_id WHERE pr.run_id = ? AND pr.photo_id = ?`,
    )
    .get(row.pred_run_id, row.id) as { probabilities: string; classes: string | null } | undefined;
  if (!found?.classes) return null;
  const probabilities = JSON.parse(found.probabilities) as number[];
  return toClassProbabilities(JSON.parse(found.classes) as Array<{ id: number; name: string }>, probabilities);
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

/** Every photo of a filter numbered in its list order (0-based `idx`), for finding places without paging. */
function rankedPhotosSql(query: Omit<PhotoQuery, 'limit' | 'offset'>): { sql: string; params: Record<string, unknown> } {
  const { sql, params } = whereClause({ ...query, limit: 1, offset: 0 });
  const order = orderBy(query);
  return {
    sql: `SELECT p.id AS id, l.class_id AS class_id, ROW_NUMBER() OVER (ORDER BY ${order}) - 1 AS idx ${FROM_PHOTOS} ${sql}`,
    params: { ...params },
  };
}

/** Where a photo sits in a filter's list order; null when the filter does not hold it. */
export function indexOfPhoto(db: Database, query: Omit<PhotoQuery, 'limit' | 'offset'>, photoId: number): number | null {
  const ranked = rankedPhotosSql(query);
  const params = { ...ranked.params, runId: resolveRunId(db, query.runId), photoId };
  return (db.prepare(`SELECT idx FROM (${ranked.sql}) WHERE id = @photoId`).pluck().get(params) as number | undefined) ?? null;
}

/** The first unlabeled photo after list position `after` in a filter, wrapping round to the start; null when none. */
export function nextUnlabeledPhoto(db: Database, query: Omit<PhotoQuery, 'limit' | 'offset'>, after: number): { index: number; photoId: number } | null {
  const ranked = rankedPhotosSql(query);
  const params = { ...ranked.params, runId: resolveRunId(db, query.runId), after };
  const row = db
    .prepare(`SELECT idx AS "index", id AS photoId FROM (${ranked.sql}) WHERE class_id IS NULL ORDER BY (idx <= @after), idx LIMIT 1`)
    .get(params) as { index: number; photoId: number } | undefined;
  return row ?? null;
}
