// What a removed photo takes along: its row and every row that hangs on it (ON DELETE CASCADE), read as
// column → value objects so they can be written back by name, and the writes that put them back.
import type { Database } from 'better-sqlite3';

/** Tables whose rows belong to one photo (photo_id → photos.id, ON DELETE CASCADE), in the order a restore writes them. */
export const PHOTO_CHILD_TABLES = ['labels', 'label_confirmations', 'label_events', 'run_photos', 'predictions'] as const;
export type PhotoChildTable = (typeof PHOTO_CHILD_TABLES)[number];

type Row = Record<string, unknown>;
export interface ArchivedPhoto {
  photos: Row;
  children: Partial<Record<PhotoChildTable, Row[]>>;
}

/** The photos' rows and their child rows, by photo id (one scan per table). */
export function readPhotoRows(db: Database, photoIds: readonly number[]): Map<number, ArchivedPhoto> {
  const ids = JSON.stringify(photoIds);
  const archived = new Map<number, ArchivedPhoto>();
  for (const row of db.prepare('SELECT * FROM photos WHERE id IN (SELECT value FROM json_each(?))').all(ids) as Row[]) {
    archived.set(row.id as number, { photos: row, children: {} });
  }
  for (const table of PHOTO_CHILD_TABLES) {
    for (const row of db.prepare(`SELECT * FROM ${table} WHERE photo_id IN (SELECT value FROM json_each(?))`).all(ids) as Row[]) {
      const entry = archived.get(row.photo_id as number);
      if (!entry) continue;
      (entry.children[table] ??= []).push(row);
    }
  }
  return archived;
}

/** Deletes the photos; child rows go first in one statement each, so the cascade finds nothing left to scan for. */
export function deletePhotoRows(db: Database, photoIds: readonly number[]): void {
  const ids = JSON.stringify(photoIds);
  for (const table of PHOTO_CHILD_TABLES) db.prepare(`DELETE FROM ${table} WHERE photo_id IN (SELECT value FROM json_each(?))`).run(ids);
  db.prepare('DELETE FROM photos WHERE id IN (SELECT value FROM json_each(?))').run(ids);
}

/** Writes rows back by column name: only columns the table has today (a later migration's new ones take their defaults). */
export function prepareRowWriter(db: Database) {
  const columnsOf = new Map<string, Set<string>>();
  const statements = new Map<string, ReturnType<Database['prepare']>>();
  const columns = (table: string) => {
    let known = columnsOf.get(table);
    if (!known) {
      known = new Set((db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]));
      columnsOf.set(table, known);
    }
    return known;
  };
  return (table: string, row: Row): number => {
    const known = columns(table);
    const names = Object.keys(row).filter((name) => known.has(name)).sort();
    const key = `${table}:${names.join(',')}`;
    let statement = statements.get(key);
    if (!statement) {
      statement = db.prepare(`INSERT INTO ${table} (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`);
      statements.set(key, statement);
    }
    return Number(statement.run(Object.fromEntries(names.map((n) => [n, row[n]]))).lastInsertRowid);
  };
}
