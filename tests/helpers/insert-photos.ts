// Inserts synthetic photo rows straight into a library (for query tests that need many rows, not real files).
import type { Database } from 'better-sqlite3';

export function insertSyntheticPhotos(db: Database, count: number, options: { folder?: string; startAt?: number } = {}): number[] {
  const folder = options.folder ?? '/photos';
  const startAt = options.startAt ?? 0;
  const insert = db.prepare(
    `INSERT INTO photos (path, folder, file_name, content_hash, size_bytes, mtime_ms, width, height, taken_at, status, imported_at, updated_at)
     VALUES (@path, @folder, @name, @hash, 1000, 0, 640, 480, @takenAt, 'ok', @now, @now)`,
  );
  const ids: number[] = [];
  const now = new Date().toISOString();
  db.transaction(() => {
    for (let i = startAt; i < startAt + count; i++) {
      const name = `IMG_${String(i).padStart(6, '0')}.jpg`;
      const sub = `${folder}/day${i % 10}`;
      const takenAt = new Date(Date.UTC(2024, 0, 1) + ((i * 7919) % 100_000) * 60_000).toISOString();
      const info = insert.run({ path: `${sub}/${name}`, folder: sub, name, hash: `hash${i}`, takenAt: i % 13 === 0 ? null : takenAt, now });
      ids.push(Number(info.lastInsertRowid));
    }
  })();
  return ids;
}
