// The name sort becomes case-insensitive and natural (img2 before img10): an index on natural_sort_key(file_name)
// (core/library/sql-functions.ts, registered on every connection before migrations run).
import type { Migration } from './migration.js';

export const migration0007: Migration = {
  version: 7,
  name: 'natural-name-order',
  up(db) {
    db.exec('CREATE INDEX photos_natural_name ON photos (natural_sort_key(file_name), id)');
  },
};
