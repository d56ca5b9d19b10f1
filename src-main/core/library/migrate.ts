// Brings a database to the newest schema: backup copy first, then every pending migration in one transaction.
import fs from 'node:fs';
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../api/errors.js';
import type { Migration } from './migrations/migration.js';

export interface MigrationResult {
  from: number;
  to: number;
  backupPath: string | null;
}

export function getSchemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Database, migrations: readonly Migration[], backupDir: string): MigrationResult {
  migrations.forEach((m, i) => {
    if (i > 0 && m.version <= (migrations[i - 1] as Migration).version) throw new StudioError('INTERNAL', `Migrations out of order at ${m.name}`);
  });
  const from = getSchemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new StudioError(
      'CONFLICT',
      `This library was written by a newer version of the app (schema ${from}; this app knows up to ${latest}). Update the app.`,
    );
  }
  const pending = migrations.filter((m) => m.version > from);
  if (pending.length === 0) return { from, to: from, backupPath: null };

  let backupPath: string | null = null;
  if (from > 0) {
    fs.mkdirSync(backupDir, { recursive: true });
    backupPath = `${backupDir}/library-v${from}-${new Date().toISOString().replace(/[:.]/g, '-')}.db`;
    db.pragma('wal_checkpoint(TRUNCATE)');
    // VACUUM INTO makes a consistent, self-contained copy even while WAL is in use.
    db.prepare('VACUUM INTO ?').run(backupPath);
  }

  db.transaction(() => {
    for (const migration of pending) {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
  })();
  return { from, to: latest, backupPath };
}
