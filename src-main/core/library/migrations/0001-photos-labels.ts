// First schema: photos, classes, current labels, the label journal, settings.
import type { Migration } from './migration.js';

export const migration0001: Migration = {
  version: 1,
  name: 'photos-labels',
  up(db) {
    db.exec(`
      CREATE TABLE photos (
        id            INTEGER PRIMARY KEY,
        path          TEXT    NOT NULL UNIQUE,
        folder        TEXT    NOT NULL,
        file_name     TEXT    NOT NULL,
        content_hash  TEXT    NOT NULL,
        size_bytes    INTEGER NOT NULL,
        mtime_ms      INTEGER NOT NULL,
        format        TEXT,
        width         INTEGER,
        height        INTEGER,
        orientation   INTEGER,
        taken_at      TEXT,
        gps_lat       REAL,
        gps_lon       REAL,
        camera        TEXT,
        phash         TEXT,
        dup_group     INTEGER,
        status        TEXT    NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'missing', 'unreadable')),
        status_reason TEXT,
        imported_at   TEXT    NOT NULL,
        updated_at    TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX photos_content_hash ON photos (content_hash);
      CREATE INDEX photos_folder_name ON photos (folder, file_name);
      CREATE INDEX photos_name ON photos (file_name, id);
      CREATE INDEX photos_taken_at ON photos (taken_at, id);
      CREATE INDEX photos_dup_group ON photos (dup_group) WHERE dup_group IS NOT NULL;
      CREATE INDEX photos_status ON photos (status);

      CREATE TABLE classes (
        id         INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
        color      TEXT    NOT NULL,
        sort_order INTEGER NOT NULL,
        created_at TEXT    NOT NULL
      ) STRICT;

      CREATE TABLE labels (
        photo_id   INTEGER PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
        class_id   INTEGER NOT NULL REFERENCES classes (id),
        source     TEXT    NOT NULL,
        updated_at TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX labels_class ON labels (class_id, photo_id);

      -- One row per photo per change; a user action (one keypress on 500 photos) is one batch.
      -- Class ids are not foreign keys: the journal outlives deleted classes, and undo checks they still exist.
      CREATE TABLE label_events (
        id           INTEGER PRIMARY KEY,
        batch_id     INTEGER NOT NULL,
        photo_id     INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
        old_class_id INTEGER,
        new_class_id INTEGER,
        source       TEXT    NOT NULL,
        created_at   TEXT    NOT NULL,
        state        TEXT    NOT NULL DEFAULT 'done' CHECK (state IN ('done', 'undone', 'discarded'))
      ) STRICT;
      CREATE INDEX label_events_batch ON label_events (batch_id);
      CREATE INDEX label_events_state_batch ON label_events (state, batch_id);

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
  },
};
