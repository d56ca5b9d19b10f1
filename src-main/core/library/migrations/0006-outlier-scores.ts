// Predictions gain an outlier score: how unlike every labeled photo a photo looks (core/ml/runs/outlier-scores.ts).
import type { Migration } from './migration.js';

export const migration0006: Migration = {
  version: 6,
  name: 'outlier-scores',
  up(db) {
    db.exec(`
      -- k-NN feature distance relative to the class's usual spread (~1 typical, higher = unlike any class); NULL for
      -- runs trained before this column existed
      ALTER TABLE predictions ADD COLUMN outlier_score REAL;
      CREATE INDEX predictions_run_outlier ON predictions (run_id, outlier_score) WHERE outlier_score IS NOT NULL;
    `);
  },
};
