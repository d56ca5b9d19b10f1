// The name sort becomes case-insensitive and natural (img2 before img10): photos gain `name_key`, the file name's
// natural_sort_key() (core/library/sql-functions.ts, registered on every connection before migrations run), kept
// by triggers and indexed. A stored column rather than an index on the expression: other SQLite tools can then
// read and integrity-check the file without the app's function (only writing photos needs it).
import type { Migration } from './migration.js';

export const migration0009: Migration = {
  version: 9,
  name: 'natural-name-order',
  up(db) {
    db.exec(`
      ALTER TABLE photos ADD COLUMN name_key TEXT;
      UPDATE photos SET name_key = natural_sort_key(file_name);
      CREATE TRIGGER photos_name_key_insert AFTER INSERT ON photos BEGIN
        UPDATE photos SET name_key = natural_sort_key(NEW.file_name) WHERE id = NEW.id;
      END;
      CREATE TRIGGER photos_name_key_update AFTER UPDATE OF file_name ON photos BEGIN
        UPDATE photos SET name_key = natural_sort_key(NEW.file_name) WHERE id = NEW.id;
      END;
      CREATE INDEX photos_natural_name ON photos (name_key, id);
    `);
  },
};
