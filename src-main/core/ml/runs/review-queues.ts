// Review queues from a run's predictions: misclassified, likely label errors, uncertain unlabeled photos; paged.
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../../api/errors.js';
import type { ClassProbabilities } from '../../../api/class-probabilities.js';
import type { ReviewQueueName } from '../../../api/training-schemas.js';
import { toClassProbabilities } from '../../library/class-probabilities.js';
import { LABEL_CONFIRMED_SQL } from '../../library/review-marks.js';
import { getRunConfig, latestDoneRunId, type PredictionSource } from './runs.js';

/** Outlier queue: photos whose k-NN distance is at least this many times their class's median (docs/training.md). */
export const OUTLIER_QUEUE_MIN_SCORE = 1.3;

export interface ReviewQueueItem {
  photoId: number;
  /** the label the run trained with; null for unlabeled photos */
  labelClassId: number | null;
  predictedClassId: number;
  /** in the run's class order */
  probabilities: ClassProbabilities;
  source: PredictionSource;
  /** misclassified: confidence of the wrong prediction; label-errors: margin; uncertain: entropy in nats; outliers: outlier score */
  score: number;
  /** label-errors: true for confident-learning suspects (listed first), false for other out-of-fold disagreements */
  confident: boolean;
}

export interface ReviewQueueResult {
  runId: number;
  total: number;
  items: ReviewQueueItem[];
}

interface Row {
  photoId: number;
  classId: number;
  confidence: number;
  probabilities: string;
  source: PredictionSource;
  labelErrorScore: number | null;
  outlierScore: number | null;
  labelClassId: number | null;
  currentClassId: number | null;
  confirmed: 0 | 1;
  excluded: 0 | 1;
}

export function entropy(probabilities: readonly number[]): number {
  let h = 0;
  for (const p of probabilities) if (p > 0) h -= p * Math.log(p);
  return h;
}

/**
 * Photos whose label changed since the run (or that got one), whose label a person confirmed, or that were excluded
 * have been reviewed already and leave the queues.
 * Ties are broken by photo id, so paging is stable.
 */
export function getReviewQueue(
  db: Database,
  request: { runId?: number; queue: ReviewQueueName; limit: number; offset: number },
): ReviewQueueResult {
  const runId = request.runId ?? latestDoneRunId(db);
  if (runId === null) throw new StudioError('NOT_FOUND', 'No finished training run yet: train a model first');
  const classes = getRunConfig(db, runId).classes;
  const classIds = classes.map((c) => c.id);
  const rows = db
    .prepare(
      `SELECT pr.photo_id AS photoId, pr.class_id AS classId, pr.confidence, pr.probabilities, pr.source,
              pr.label_error_score AS labelErrorScore, pr.outlier_score AS outlierScore, rp.class_id AS labelClassId, l.class_id AS currentClassId,
              ${LABEL_CONFIRMED_SQL} AS confirmed, p.excluded
       FROM predictions pr
       JOIN photos p ON p.id = pr.photo_id
       LEFT JOIN run_photos rp ON rp.run_id = pr.run_id AND rp.photo_id = pr.photo_id
       LEFT JOIN labels l ON l.photo_id = pr.photo_id
       WHERE pr.run_id = ?`,
    )
    .all(runId) as Row[];

  // label-errors: the confident-learning suspects first, then the other photos that a model which never saw them
  // puts in another class (tier 1), each tier by margin
  const scored: Array<{ row: Row; probabilities: number[]; score: number; tier: number }> = [];
  for (const row of rows) {
    const labeled = row.labelClassId !== null;
    if (labeled && row.currentClassId !== row.labelClassId) continue;
    if (!labeled && row.currentClassId !== null) continue;
    if (row.excluded || (labeled && row.confirmed)) continue;
    const probabilities = JSON.parse(row.probabilities) as number[];
    if (request.queue === 'misclassified' && labeled && row.source === 'out-of-fold' && row.classId !== row.labelClassId) {
      scored.push({ row, probabilities, score: row.confidence, tier: 0 });
    } else if (request.queue === 'label-errors' && labeled && row.labelErrorScore !== null) {
      scored.push({ row, probabilities, score: row.labelErrorScore, tier: 0 });
    } else if (request.queue === 'label-errors' && labeled && row.source === 'out-of-fold' && row.classId !== row.labelClassId) {
      const given = probabilities[classIds.indexOf(row.labelClassId as number)] ?? 0;
      scored.push({ row, probabilities, score: row.confidence - given, tier: 1 });
    } else if (request.queue === 'uncertain' && !labeled) {
      scored.push({ row, probabilities, score: entropy(probabilities), tier: 0 });
    } else if (request.queue === 'outliers' && row.outlierScore !== null && row.outlierScore >= OUTLIER_QUEUE_MIN_SCORE) {
      scored.push({ row, probabilities, score: row.outlierScore, tier: 0 });
    }
  }
  scored.sort((a, b) => a.tier - b.tier || b.score - a.score || a.row.photoId - b.row.photoId);
  const items = scored.slice(request.offset, request.offset + request.limit).map(({ row, probabilities, score, tier }) => ({
    photoId: row.photoId,
    labelClassId: row.labelClassId,
    predictedClassId: row.classId,
    probabilities: toClassProbabilities(classes, probabilities),
    source: row.source,
    score,
    confident: tier === 0,
  }));
  return { runId, total: scored.length, items };
}
