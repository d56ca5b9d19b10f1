// Training runs: the run record, per-epoch history, the split used per photo, and per-photo predictions.
import type { Migration } from './migration.js';

export const migration0003: Migration = {
  version: 3,
  name: 'runs',
  up(db) {
    db.exec(`
      CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        created_at  TEXT    NOT NULL,
        started_at  TEXT,
        finished_at TEXT,
        status      TEXT    NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
        -- everything needed to repeat the run: hyperparameters, seed, augmentation, fine-tuning, backbone,
        -- input size, preprocessing, class list
        config      TEXT    NOT NULL CHECK (json_valid(config)),
        backend     TEXT,
        -- photos per class and split, unlabeled count
        counts      TEXT    CHECK (counts IS NULL OR json_valid(counts)),
        metrics     TEXT    CHECK (metrics IS NULL OR json_valid(metrics)),
        model_dir   TEXT,
        error       TEXT,
        duration_ms INTEGER
      ) STRICT;
      CREATE INDEX runs_status ON runs (status, id);

      CREATE TABLE run_epochs (
        run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        phase        TEXT    NOT NULL CHECK (phase IN ('head', 'fine-tune')),
        epoch        INTEGER NOT NULL,
        loss         REAL    NOT NULL,
        accuracy     REAL    NOT NULL,
        val_loss     REAL,
        val_accuracy REAL,
        PRIMARY KEY (run_id, phase, epoch)
      ) STRICT, WITHOUT ROWID;

      -- The dataset snapshot: which labeled photos a run used, with the label it used (class ids are not foreign
      -- keys: history outlives deleted classes).
      CREATE TABLE run_photos (
        run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        photo_id INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
        split    TEXT    NOT NULL CHECK (split IN ('train', 'val')),
        fold     INTEGER,
        class_id INTEGER NOT NULL,
        PRIMARY KEY (run_id, photo_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX run_photos_photo ON run_photos (photo_id);

      -- One row per run and photo. source: 'in-fold' = from a head trained on this photo, 'out-of-fold' = from a
      -- head that never saw it (validation split or the held-out fold), 'unlabeled' = a photo without a label.
      -- probabilities: JSON array in the order of the run's class list (config.classes).
      CREATE TABLE predictions (
        run_id            INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        photo_id          INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
        class_id          INTEGER NOT NULL,
        confidence        REAL    NOT NULL,
        probabilities     TEXT    NOT NULL CHECK (json_valid(probabilities)),
        source            TEXT    NOT NULL CHECK (source IN ('in-fold', 'out-of-fold', 'unlabeled')),
        -- confident-learning margin when the photo is a label-error suspect, else NULL
        label_error_score REAL,
        PRIMARY KEY (run_id, photo_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX predictions_photo ON predictions (photo_id);
      CREATE INDEX predictions_run_class ON predictions (run_id, class_id, confidence);
      CREATE INDEX predictions_run_confidence ON predictions (run_id, confidence);
      CREATE INDEX predictions_run_label_error ON predictions (run_id, label_error_score) WHERE label_error_score IS NOT NULL;
    `);
  },
};
