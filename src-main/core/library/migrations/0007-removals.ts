// Photos removed from the library, kept restorable: one removal per user action, each removed photo's rows as JSON.
import type { Migration } from './migration.js';

export const migration0007: Migration = {
  version: 7,
  name: 'removals',
  up(db) {
    db.exec(`
      -- scope: what the person chose ('ids', 'folder', 'missing'); folder: the folder for 'folder'.
      -- max_batch_id: the label journal's highest batch when the photos left, so batch ids are never reused while
      -- their events wait here to be restored.
      CREATE TABLE removals (
        id           INTEGER PRIMARY KEY,
        created_at   TEXT    NOT NULL,
        scope        TEXT    NOT NULL CHECK (scope IN ('ids', 'folder', 'missing')),
        folder       TEXT,
        photo_count  INTEGER NOT NULL,
        max_batch_id INTEGER NOT NULL,
        restored_at  TEXT
      ) STRICT;

      -- rows: {"photos": {...}, "labels": [...], "label_events": [...], ...}, each table's rows of the photo as
      -- column → value, so a restore writes them back by column name (columns added later get their defaults)
      CREATE TABLE removed_photos (
        removal_id INTEGER NOT NULL REFERENCES removals (id) ON DELETE CASCADE,
        photo_id   INTEGER NOT NULL,
        path       TEXT    NOT NULL,
        rows       TEXT    NOT NULL CHECK (json_valid(rows)),
        PRIMARY KEY (removal_id, photo_id)
      ) STRICT, WITHOUT ROWID;

      -- deleting a photo looks up its journal events (ON DELETE CASCADE): without this, one scan per photo
      CREATE INDEX label_events_photo ON label_events (photo_id);
    `);
  },
};
