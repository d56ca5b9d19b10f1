// A library is a folder: the SQLite database plus caches (thumbnails, model inputs, models, backups).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../api/errors.js';
import { assertSchemaKnown, getSchemaVersion, latestSchemaVersion, migrate, type MigrationResult } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { registerSqlFunctions } from './sql-functions.js';
import { applyWritePolicy, BUSY_TIMEOUT_MS, retryWhileBusy } from './write-policy.js';

// A read-only library in a folder that cannot hold the WAL's -shm file opens through an `immutable=1` URI. SQLite's
// URI switch is process-wide and read once when better-sqlite3's addon loads (at the first connection): set it here,
// before any connection; plain file paths mean the same with it on.
process.env.SQLITE_USE_URI ??= '1';

export interface LibraryPaths {
  root: string;
  database: string;
  thumbnails: string;
  modelInputs: string;
  models: string;
  backups: string;
}

export interface Library {
  db: Database;
  paths: LibraryPaths;
  migration: MigrationResult;
  /** true when the folder or its database is not writable: reads work, every write fails with a clear line */
  readOnly: boolean;
  close(): void;
}

export function libraryPaths(root: string): LibraryPaths {
  return {
    root,
    database: path.join(root, 'library.db'),
    thumbnails: path.join(root, 'thumbnails'),
    modelInputs: path.join(root, 'model-inputs'),
    models: path.join(root, 'models'),
    backups: path.join(root, 'backups'),
  };
}

function writable(target: string): boolean {
  try {
    fs.accessSync(target, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function createRoot(root: string): void {
  try {
    fs.mkdirSync(root, { recursive: true });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new StudioError('UNAVAILABLE', `Cannot create the library folder ${root} (${reason})`);
  }
}

function openReadWrite(paths: LibraryPaths): { db: Database; migration: MigrationResult } {
  const db = new BetterSqlite3(paths.database, { timeout: BUSY_TIMEOUT_MS });
  registerSqlFunctions(db);
  try {
    // refuse a newer schema before switching the journal mode or touching anything else
    assertSchemaKnown(db, MIGRATIONS);
    retryWhileBusy(() => db.pragma('journal_mode = WAL'));
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    for (const dir of [paths.thumbnails, paths.modelInputs, paths.models]) fs.mkdirSync(dir, { recursive: true });
    return { db, migration: migrate(db, MIGRATIONS, paths.backups) };
  } catch (error) {
    db.close();
    throw error;
  }
}

function openReadOnly(paths: LibraryPaths): { db: Database; migration: MigrationResult } {
  if (!fs.existsSync(paths.database)) {
    throw new StudioError('UNAVAILABLE', `The folder ${paths.root} holds no library and is not writable, so none can be created there`);
  }
  let db = new BetterSqlite3(paths.database, { readonly: true, fileMustExist: true });
  try {
    getSchemaVersion(db); // the first read: fails when the WAL's -shm file cannot be created beside the database
  } catch {
    db.close();
    try {
      db = new BetterSqlite3(`${pathToFileURL(paths.database).href}?immutable=1`, { readonly: true, fileMustExist: true });
    } catch (error) {
      const code = (error as { code?: string }).code ?? String(error);
      throw new StudioError('UNAVAILABLE', `The library at ${paths.root} is read-only and cannot be opened for reading either (${code})`);
    }
  }
  registerSqlFunctions(db);
  try {
    const version = assertSchemaKnown(db, MIGRATIONS);
    if (version < latestSchemaVersion(MIGRATIONS)) {
      throw new StudioError('UNAVAILABLE', `The library at ${paths.root} is read-only and needs an upgrade to this app's schema; make it writable once`);
    }
    db.pragma('foreign_keys = ON');
    return { db, migration: { from: version, to: version, backupPath: null } };
  } catch (error) {
    db.close();
    throw error;
  }
}

export function openLibrary(root: string): Library {
  const paths = libraryPaths(path.resolve(root));
  createRoot(paths.root);
  const readOnly = !writable(paths.root) || (fs.existsSync(paths.database) && !writable(paths.database));
  const { db, migration } = readOnly ? openReadOnly(paths) : openReadWrite(paths);
  applyWritePolicy(db, paths.root);
  return {
    db,
    paths,
    migration,
    readOnly,
    close() {
      if (db.open) db.close();
    },
  };
}
