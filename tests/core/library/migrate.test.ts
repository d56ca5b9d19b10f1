import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { getSchemaVersion, migrate } from '../../../src-main/core/library/migrate.js';
import { MIGRATIONS } from '../../../src-main/core/library/migrations/index.js';
import { openLibrary } from '../../../src-main/core/library/library.js';
import type { Migration } from '../../../src-main/core/library/migrations/migration.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const LATEST = MIGRATIONS.at(-1)!.version;

describe('openLibrary', () => {
  it('creates a fresh library at the newest schema with WAL and foreign keys on', () => {
    const lib = openLibrary(path.join(makeTempDir(), 'lib'));
    expect(getSchemaVersion(lib.db)).toBe(LATEST);
    expect(lib.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(lib.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(lib.migration.backupPath).toBeNull();
    lib.close();
  });

  it('migrates a library from the first schema after a backup copy, keeping its photos and labels', () => {
    const dir = path.join(makeTempDir(), 'lib');
    fs.mkdirSync(dir, { recursive: true });
    const old = new BetterSqlite3(path.join(dir, 'library.db'));
    migrate(old, MIGRATIONS.slice(0, 1), path.join(dir, 'backups'));
    old.exec(`INSERT INTO photos (path, folder, file_name, content_hash, size_bytes, mtime_ms, imported_at, updated_at)
              VALUES ('/p/a.jpg', '/p', 'a.jpg', 'h', 1, 0, 't', 't');
              INSERT INTO classes (name, color, sort_order, created_at) VALUES ('cat', '#000000', 0, 't');
              INSERT INTO labels (photo_id, class_id, source, updated_at) VALUES (1, 1, 'user', 't');`);
    old.close();

    const lib = openLibrary(dir);
    expect(lib.migration).toMatchObject({ from: 1, to: LATEST });
    expect(fs.existsSync(lib.migration.backupPath!)).toBe(true);
    expect(lib.db.prepare('SELECT class_id FROM labels WHERE photo_id = 1').pluck().get()).toBe(1);
    expect(lib.db.prepare('SELECT excluded FROM photos WHERE id = 1').pluck().get()).toBe(0);
    lib.close();
  });

  it('refuses a library written by a newer app and leaves it untouched', () => {
    const dir = path.join(makeTempDir(), 'lib');
    openLibrary(dir).close();
    const raw = new BetterSqlite3(path.join(dir, 'library.db'));
    raw.pragma(`user_version = ${LATEST + 5}`);
    raw.close();
    expect(() => openLibrary(dir)).toThrow(/newer version of the app/);
    const check = new BetterSqlite3(path.join(dir, 'library.db'));
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST + 5);
    check.close();
  });

  it('refuses a newer library in rollback-journal mode before switching it to WAL, leaving its bytes unchanged', () => {
    const dir = path.join(makeTempDir(), 'lib');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'library.db');
    const raw = new BetterSqlite3(file);
    raw.exec('CREATE TABLE future (x INTEGER)');
    raw.pragma(`user_version = ${LATEST + 1}`);
    raw.close();
    const before = fs.readFileSync(file);

    expect(() => openLibrary(dir)).toThrow(/newer version of the app/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const check = new BetterSqlite3(file, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });
});

describe('migrate', () => {
  const v1: Migration = { version: 1, name: 'one', up: (db) => db.exec('CREATE TABLE a (x INTEGER) STRICT') };
  const v2: Migration = { version: 2, name: 'two', up: (db) => db.exec('CREATE TABLE b (y INTEGER) STRICT') };
  const broken: Migration = {
    version: 3,
    name: 'broken',
    up: (db) => {
      db.exec('CREATE TABLE c (z INTEGER) STRICT');
      throw new Error('boom');
    },
  };

  it('backs up an older database before migrating it, and the backup holds the old data', () => {
    const dir = makeTempDir();
    const db = new BetterSqlite3(path.join(dir, 'x.db'));
    migrate(db, [v1], path.join(dir, 'backups'));
    db.prepare('INSERT INTO a VALUES (42)').run();
    const result = migrate(db, [v1, v2], path.join(dir, 'backups'));
    expect(result).toMatchObject({ from: 1, to: 2 });
    expect(result.backupPath).not.toBeNull();
    const backup = new BetterSqlite3(result.backupPath!, { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(1);
    expect(backup.prepare('SELECT x FROM a').pluck().get()).toBe(42);
    backup.close();
    expect(getSchemaVersion(db)).toBe(2);
    db.close();
  });

  it('rolls back every step of a failed migration run', () => {
    const dir = makeTempDir();
    const db = new BetterSqlite3(path.join(dir, 'x.db'));
    migrate(db, [v1], path.join(dir, 'backups'));
    expect(() => migrate(db, [v1, v2, broken], path.join(dir, 'backups'))).toThrow('boom');
    expect(getSchemaVersion(db)).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(['a']);
    expect(fs.readdirSync(path.join(dir, 'backups'))).toHaveLength(1);
    db.close();
  });
});
