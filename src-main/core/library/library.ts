// A library is a folder: the SQLite database plus caches (thumbnails, model inputs, models, backups).
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { migrate, type MigrationResult } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';

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

export function openDatabase(file: string, options: { readonly?: boolean } = {}): Database {
  const db = new BetterSqlite3(file, { readonly: options.readonly ?? false });
  if (!options.readonly) db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // NORMAL is durable against process crashes in WAL mode (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

export function openLibrary(root: string): Library {
  const paths = libraryPaths(path.resolve(root));
  for (const dir of [paths.root, paths.thumbnails, paths.modelInputs, paths.models]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  const db = openDatabase(paths.database);
  let migration: MigrationResult;
  try {
    migration = migrate(db, MIGRATIONS, paths.backups);
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    db,
    paths,
    migration,
    close() {
      if (db.open) db.close();
    },
  };
}
