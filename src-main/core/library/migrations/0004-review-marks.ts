// Review outcomes: photos excluded from training, and labels a person confirmed (they leave the review queues).
import type { Migration } from './migration.js';

export const migration0004: Migration = {
  version: 4,
  name: 'review-marks',
  up(db) {
    db.exec(`
      ALTER TABLE photos ADD COLUMN excluded INTEGER NOT NULL DEFAULT 0 CHECK (excluded IN (0, 1));

      -- "Keep the label": the class a person confirmed for a photo. It only counts while the label is still that class.
      CREATE TABLE label_confirmations (
        photo_id     INTEGER PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
        class_id     INTEGER NOT NULL,
        confirmed_at TEXT    NOT NULL
      ) STRICT;
    `);
  },
};
