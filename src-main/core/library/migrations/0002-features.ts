// Cached backbone features: one float32 vector per (content hash, backbone, input size, augmentation view).
import type { Migration } from './migration.js';

export const migration0002: Migration = {
  version: 2,
  name: 'features',
  up(db) {
    // Keyed by content, not photo id: a moved or re-imported photo keeps its features. A rowid table on purpose:
    // rows carry 1280-float BLOBs, too large for WITHOUT ROWID to pay off.
    db.exec(`
      CREATE TABLE features (
        content_hash TEXT    NOT NULL,
        backbone_id  TEXT    NOT NULL,
        input_size   INTEGER NOT NULL,
        view         TEXT    NOT NULL,
        dims         INTEGER NOT NULL,
        data         BLOB    NOT NULL,
        created_at   TEXT    NOT NULL,
        PRIMARY KEY (content_hash, backbone_id, input_size, view)
      ) STRICT;
      CREATE INDEX features_backbone ON features (backbone_id, input_size);
    `);
  },
};
