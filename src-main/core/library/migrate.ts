// Brings a database to the newest schema: backup copy first, then every pending migration in one transaction that
// holds the write lock from its start (BEGIN IMMEDIATE) and reads the version inside, so processes opening one
// library at the same moment migrate it once.
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

export function latestSchemaVersion(migrations: readonly Migration[]): number {
  return migrations.at(-1)?.version ?? 0;
}

/** Refuses a database written by a newer app (before anything changes it); returns its version. */
export function assertSchemaKnown(db: Database, migrations: readonly Migration[]): number {
  const version = getSchemaVersion(db);
  const latest = latestSchemaVersion(migrations);
  if (version > latest) {
    throw new StudioError(
      'CONFLICT',
      `This library was written by a newer version of the app (schema ${version}; this app knows up to ${latest}). Update the app.`,
    );
  }
  return version;
}

function backup(db: Database, backupDir: string, from: number): string {
  fs.mkdirSync(backupDir, { recursive: true });
  const backupPath = `${backupDir}/library-v${from}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.db`;
  db.pragma('wal_checkpoint(TRUNCATE)');
  // VACUUM INTO makes a consistent, self-contained copy even while WAL is in use (it cannot run inside a transaction).
  db.prepare('VACUUM INTO ?').run(backupPath);
  return backupPath;
}

export function migrate(db: Database, migrations: readonly Migration[], backupDir: string): MigrationResult {
  migrations.forEach((m, i) => {
    if (i > 0 && m.version <= (migrations[i - 1] as Migration).version) throw new StudioError('INTERNAL', `Migrations out of order at ${m.name}`);
  });
  const seen = assertSchemaKnown(db, migrations);
  const latest = latestSchemaVersion(migrations);
  if (seen === latest) return { from: seen, to: seen, backupPath: null };

  let backupPath = seen > 0 ? backup(db, backupDir, seen) : null;
  const from = db
    .transaction(() => {
      // read again under the write lock: another process may have migrated since `seen`
      const current = assertSchemaKnown(db, migrations);
      for (const migration of migrations.filter((m) => m.version > current)) {
        migration.up(db);
        db.pragma(`user_version = ${migration.version}`);
      }
      return current;
    })
    .immediate();
  if (from === latest && backupPath) {
    fs.rmSync(backupPath, { force: true });
    backupPath = null;
  }
  return { from, to: latest, backupPath };
}
