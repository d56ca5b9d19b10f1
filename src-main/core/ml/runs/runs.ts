// Run records in SQLite: create, start, per-epoch history, dataset snapshot, predictions, finish, list, get.
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../../api/errors.js';
import { fromStoredPath, toStoredPath } from '../../library/stored-paths.js';
import type { EpochRecord, RunDetail, RunMetrics, RunSummary } from '../../../api/training-schemas.js';
import { describeSettings, settingChanges } from '../../../api/training-settings-diff.js';
import { DEFAULT_TRAINING_CONFIG, type TrainingConfig } from '../training/training-config.js';

export type RunStatus = RunSummary['status'];
export type PredictionSource = 'in-fold' | 'out-of-fold' | 'unlabeled';

export interface RunClass {
  id: number;
  name: string;
}

/** What runs.config holds: the training config plus everything else needed to repeat the run. */
export interface RunConfig extends TrainingConfig {
  classes: RunClass[];
  backboneId: string;
  /** the preprocessing spec of the feature pipeline (resize, fit, scaling), as the embedding code describes it */
  preprocessing: unknown;
  /** two classes: the second class is predicted when its probability is ≥ threshold */
  threshold: number;
}

export interface RunCounts {
  labeled: number;
  unlabeled: number;
  perClass: Array<{ classId: number; name: string; train: number; val: number }>;
}

export interface RunPhotoRow {
  photoId: number;
  split: 'train' | 'val';
  fold: number | null;
  classId: number;
}

export interface PredictionRow {
  photoId: number;
  classId: number;
  confidence: number;
  /** in the order of config.classes */
  probabilities: number[];
  source: PredictionSource;
  labelErrorScore: number | null;
  /** how unlike every labeled photo this one looks (outlier-scores.ts); null when not computed */
  outlierScore?: number | null;
}

interface RunRow {
  id: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  status: RunStatus;
  config: string;
  backend: string | null;
  counts: string | null;
  metrics: string | null;
  model_dir: string | null;
  error: string | null;
  duration_ms: number | null;
}

const now = () => new Date().toISOString();

export function createRun(db: Database, config: RunConfig): number {
  const result = db
    .prepare(`INSERT INTO runs (created_at, status, config) VALUES (?, 'queued', ?)`)
    .run(now(), JSON.stringify(config));
  return Number(result.lastInsertRowid);
}

export function startRun(db: Database, runId: number, backend: string): void {
  const changed = db
    .prepare(`UPDATE runs SET status = 'running', started_at = ?, backend = ? WHERE id = ? AND status = 'queued'`)
    .run(now(), backend, runId).changes;
  if (changed === 0) throw new StudioError('CONFLICT', `expected run ${runId} to be queued, received ${getRunRow(db, runId).status}`);
}

export function setRunCounts(db: Database, runId: number, counts: RunCounts): void {
  db.prepare('UPDATE runs SET counts = ? WHERE id = ?').run(JSON.stringify(counts), runId);
}

/** One committed row per finished epoch (autocommit), so a crash keeps the epochs that completed. */
export function recordEpoch(db: Database, runId: number, record: EpochRecord): void {
  db.prepare(
    `INSERT INTO run_epochs (run_id, phase, epoch, loss, accuracy, val_loss, val_accuracy)
     VALUES (@runId, @phase, @epoch, @loss, @accuracy, @valLoss, @valAccuracy)`,
  ).run({ runId, ...record });
}

export function saveRunPhotos(db: Database, runId: number, rows: readonly RunPhotoRow[]): void {
  const insert = db.prepare(
    'INSERT INTO run_photos (run_id, photo_id, split, fold, class_id) VALUES (@runId, @photoId, @split, @fold, @classId)',
  );
  db.transaction(() => {
    for (const row of rows) insert.run({ runId, ...row });
  })();
}

export function savePredictions(db: Database, runId: number, rows: readonly PredictionRow[]): void {
  const insert = db.prepare(
    `INSERT INTO predictions (run_id, photo_id, class_id, confidence, probabilities, source, label_error_score, outlier_score)
     VALUES (@runId, @photoId, @classId, @confidence, @probabilities, @source, @labelErrorScore, @outlierScore)`,
  );
  db.transaction(() => {
    for (const row of rows) insert.run({ runId, ...row, probabilities: JSON.stringify(row.probabilities), outlierScore: row.outlierScore ?? null });
  })();
}

/** Ends a run: done (with metrics and model folder), failed (with the error) or cancelled. */
export function finishRun(
  db: Database,
  runId: number,
  outcome:
    | { status: 'done'; metrics: RunMetrics; modelDir: string }
    | { status: 'failed'; error: string }
    | { status: 'cancelled' },
): void {
  const finishedAt = now();
  const row = getRunRow(db, runId);
  const durationMs = row.started_at ? Date.parse(finishedAt) - Date.parse(row.started_at) : null;
  db.prepare(
    `UPDATE runs SET status = @status, finished_at = @finishedAt, duration_ms = @durationMs, metrics = @metrics,
       model_dir = @modelDir, error = @error WHERE id = @runId`,
  ).run({
    runId,
    status: outcome.status,
    finishedAt,
    durationMs,
    metrics: outcome.status === 'done' ? JSON.stringify(outcome.metrics) : null,
    modelDir: outcome.status === 'done' ? toStoredPath(db, outcome.modelDir) : null,
    error: outcome.status === 'failed' ? outcome.error : null,
  });
}

/** At library open: runs a crashed process left queued or running can never finish; say so. */
export function markInterruptedRuns(db: Database): number {
  if (db.readonly) return 0; // a read-only library is shown as it is
  return db
    .prepare(
      `UPDATE runs SET status = 'interrupted', finished_at = ?, error = COALESCE(error, 'The app stopped while this run was in progress')
       WHERE status IN ('queued', 'running')`,
    )
    .run(now()).changes;
}

function getRunRow(db: Database, runId: number): RunRow {
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
  if (!row) throw new StudioError('NOT_FOUND', `No run with id ${runId}`);
  return row;
}

/** `previous`: the run before this one (its settings are what carried over), else null (compared with the defaults). */
function rowToSummary(row: RunRow, previous: Pick<RunRow, 'id' | 'config'> | null): RunSummary {
  const config = JSON.parse(row.config) as Partial<RunConfig>;
  const counts = row.counts ? (JSON.parse(row.counts) as RunCounts) : null;
  const metrics = row.metrics ? (JSON.parse(row.metrics) as RunMetrics) : null;
  return {
    id: row.id,
    createdAt: row.created_at,
    status: row.status,
    backend: row.backend,
    photos: counts?.labeled ?? 0,
    classes: (config.classes ?? []).map((c) => c.name),
    accuracy: metrics?.accuracy ?? null,
    durationMs: row.duration_ms,
    error: row.error,
    previousRunId: previous?.id ?? null,
    changes: settingChanges(previous ? (JSON.parse(previous.config) as object) : DEFAULT_TRAINING_CONFIG, config),
  };
}

export function listRuns(db: Database): RunSummary[] {
  const rows = db.prepare('SELECT * FROM runs ORDER BY id DESC').all() as RunRow[];
  return rows.map((row, i) => rowToSummary(row, rows[i + 1] ?? null));
}

export function listEpochs(db: Database, runId: number): EpochRecord[] {
  const rows = db
    .prepare(
      `SELECT phase, epoch, loss, accuracy, val_loss AS valLoss, val_accuracy AS valAccuracy FROM run_epochs
       WHERE run_id = ? ORDER BY CASE phase WHEN 'head' THEN 0 ELSE 1 END, epoch`,
    )
    .all(runId) as EpochRecord[];
  return rows;
}

export function getRun(db: Database, runId: number): RunDetail {
  const row = getRunRow(db, runId);
  const previous = db.prepare('SELECT id, config FROM runs WHERE id < ? ORDER BY id DESC LIMIT 1').get(runId) as Pick<RunRow, 'id' | 'config'> | undefined;
  return {
    ...rowToSummary(row, previous ?? null),
    config: JSON.parse(row.config) as Record<string, unknown>,
    settings: describeSettings(JSON.parse(row.config) as object),
    counts: row.counts ? (JSON.parse(row.counts) as Record<string, unknown>) : {},
    epochs: listEpochs(db, runId),
    metrics: row.metrics ? (JSON.parse(row.metrics) as RunMetrics) : null,
  };
}

export function getRunConfig(db: Database, runId: number): RunConfig {
  return JSON.parse(getRunRow(db, runId).config) as RunConfig;
}

export function getRunModelDir(db: Database, runId: number): string | null {
  const stored = getRunRow(db, runId).model_dir;
  return stored === null ? null : fromStoredPath(db, stored);
}

/** The newest run that finished, the default for predictions, review and export. */
export function latestDoneRunId(db: Database): number | null {
  const row = db.prepare(`SELECT id FROM runs WHERE status = 'done' ORDER BY id DESC LIMIT 1`).get() as { id: number } | undefined;
  return row?.id ?? null;
}

export interface StoredPrediction extends PredictionRow {
  /** the label the photo had in this run (run_photos), null for unlabeled photos */
  labelClassId: number | null;
}

export function listPredictions(db: Database, runId: number): StoredPrediction[] {
  const rows = db
    .prepare(
      `SELECT p.photo_id AS photoId, p.class_id AS classId, p.confidence, p.probabilities, p.source,
              p.label_error_score AS labelErrorScore, p.outlier_score AS outlierScore, rp.class_id AS labelClassId
       FROM predictions p LEFT JOIN run_photos rp ON rp.run_id = p.run_id AND rp.photo_id = p.photo_id
       WHERE p.run_id = ? ORDER BY p.photo_id`,
    )
    .all(runId) as Array<Omit<StoredPrediction, 'probabilities'> & { probabilities: string }>;
  return rows.map((r) => ({ ...r, probabilities: JSON.parse(r.probabilities) as number[] }));
}
