// Schemas of training, runs and review in the StudioApi.
import { z } from 'zod';
import { ClassProbabilities } from './class-probabilities.js';
import { Id, Photo } from './schemas.js';
import { SettingChange, SettingValue } from './training-settings-diff.js';
import { BackendName, SettingField, TrainingConfig } from './training-settings.js';

export { AugmentationConfig, BackendName, TrainingConfig, TrainingConfigInput } from './training-settings.js';

export const BackendInfo = z.object({
  name: BackendName,
  /** why each better backend is not running */
  unavailable: z.array(z.object({ backend: BackendName, reason: z.string() })),
  /** the engine that embeds photos with the frozen backbone ('onnxruntime' or the backend), and why faster ones are not used */
  embedding: z
    .object({ engine: z.string(), detail: z.string(), unavailable: z.array(z.object({ engine: z.string(), reason: z.string() })) })
    .optional(),
});
export type BackendInfo = z.infer<typeof BackendInfo>;

/** The settings table for forms: every field with label, unit, bounds, step, default and help; the defaults. */
export const TrainingFields = z.object({ fields: z.array(SettingField), defaults: TrainingConfig });
export type TrainingFields = z.infer<typeof TrainingFields>;

export const RunStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted']);

export const ClassMetrics = z.object({ classId: z.number().int(), name: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: z.number().int() });

const KFoldMetrics = z.object({ k: z.number().int(), accuracies: z.array(z.number()), mean: z.number(), std: z.number() });
const Evaluation = z.object({ on: z.enum(['out-of-fold', 'validation-split', 'folder']), n: z.number().int(), low: z.number(), high: z.number() });

export const RunMetrics = z.object({
  accuracy: z.number(),
  loss: z.number().nullable(),
  perClass: z.array(ClassMetrics),
  /** rows = true class, columns = predicted, in the order of `classIds` */
  confusion: z.array(z.array(z.number().int())),
  classIds: z.array(z.number().int()),
  rocAuc: z.number().nullable(),
  kfold: KFoldMetrics.nullable(),
  /**
   * What `accuracy` counts: n predictions made without seeing the photo's label ('out-of-fold' after k-fold, the
   * held-out 'validation-split', or an outside 'folder'), with its 95% Wilson score interval. Absent on older runs.
   */
  evaluation: Evaluation.optional(),
  /**
   * Runs that fine-tuned: the frozen head's result on the same photos (each fold fine-tuned too under k-fold), beside
   * the fine-tuned model's, which the other fields describe. Absent when the run did not fine-tune.
   */
  frozenHead: z.object({ accuracy: z.number(), evaluation: Evaluation, kfold: KFoldMetrics.nullable() }).optional(),
});
export type RunMetrics = z.infer<typeof RunMetrics>;

export const RunSummary = z.object({
  id: Id,
  createdAt: z.string(),
  status: RunStatus,
  backend: z.string().nullable(),
  photos: z.number().int(),
  classes: z.array(z.string()),
  accuracy: z.number().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
  /** the run whose settings `changes` compares with; null: compared with the defaults */
  previousRunId: Id.nullable(),
  changes: z.array(SettingChange),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const EpochRecord = z.object({
  phase: z.enum(['head', 'fine-tune']),
  epoch: z.number().int(),
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number().nullable(),
  valAccuracy: z.number().nullable(),
});
export type EpochRecord = z.infer<typeof EpochRecord>;

/** `training.start`'s answer: the job that trains and the run it fills (its epochs arrive as `run.epoch` events). */
export const TrainingStarted = z.object({ jobId: z.string(), runId: Id });
export type TrainingStarted = z.infer<typeof TrainingStarted>;

/** One finished epoch of a training job's run, as it is recorded (live learning curves). */
export const RunEpoch = z.object({ jobId: z.string(), runId: Id, epoch: EpochRecord });
export type RunEpoch = z.infer<typeof RunEpoch>;

/** The result of a finished training job. */
export const TrainingResult = z.object({ runId: Id, metrics: RunMetrics, modelDir: z.string(), backend: z.string() });
export type TrainingResult = z.infer<typeof TrainingResult>;

export const RunDetail = RunSummary.extend({
  config: z.record(z.string(), z.unknown()),
  /** every setting of the table, formatted for people */
  settings: z.array(SettingValue),
  counts: z.record(z.string(), z.unknown()),
  epochs: z.array(EpochRecord),
  metrics: RunMetrics.nullable(),
});
export type RunDetail = z.infer<typeof RunDetail>;

/** outliers: photos (labeled or not) that look unlike every labeled photo — junk, placeholders, off-topic shots */
export const ReviewQueueName = z.enum(['misclassified', 'label-errors', 'uncertain', 'outliers']);
export type ReviewQueueName = z.infer<typeof ReviewQueueName>;

export const ReviewItem = z.object({
  photo: Photo,
  predictedClassId: z.number().int(),
  probabilities: ClassProbabilities,
  /** the queue's ranking score: confidence of the mistake, label-error margin, entropy, or outlier score */
  score: z.number(),
  /** 'out-of-fold': from a model that never saw this photo's label; 'unlabeled': the final model on an unlabeled photo */
  source: z.enum(['out-of-fold', 'in-fold', 'unlabeled']),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

export const ReviewQueueRequest = z.object({
  runId: Id.optional(),
  queue: ReviewQueueName,
  limit: z.number().int().min(1).max(1000).default(50),
  offset: z.number().int().min(0).default(0),
});
export const ReviewQueuePage = z.object({ runId: Id, total: z.number().int(), items: z.array(ReviewItem) });
export type ReviewQueuePage = z.infer<typeof ReviewQueuePage>;

export const ReviewAction = z.object({
  photoId: Id,
  /** unkeep and include take back a keep and an exclude (undo in the review view) */
  action: z.enum(['accept', 'keep', 'relabel', 'exclude', 'unkeep', 'include']),
  runId: Id.optional(),
  classId: Id.optional(),
});
export type ReviewAction = z.infer<typeof ReviewAction>;

export const FolderRequest = z.object({ root: z.string().min(1).max(4096), runId: Id.optional() });
export type FolderRequest = z.infer<typeof FolderRequest>;

/** An outside file that is a photo the run trained on: the same bytes, or a near-duplicate (dHash bits apart). */
export const LeakMatch = z.object({
  path: z.string(),
  photoId: Id,
  libraryPath: z.string(),
  match: z.enum(['identical', 'near-duplicate']),
  distance: z.number().int(),
});
export type LeakMatch = z.infer<typeof LeakMatch>;

export const FilePrediction = z.object({
  path: z.string(),
  className: z.string(),
  probabilities: ClassProbabilities,
  /** true when the file matches a photo the run trained on (listed in `seenInTraining`) */
  seenInTraining: z.boolean(),
});
export const FolderPredictions = z.object({
  runId: Id,
  items: z.array(FilePrediction),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  /** files matching photos used in training */
  seenInTraining: z.array(LeakMatch),
});
export type FolderPredictions = z.infer<typeof FolderPredictions>;

export const FolderEvaluation = z.object({
  runId: Id,
  photos: z.number().int(),
  /** on every evaluated file */
  metrics: RunMetrics,
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  /** evaluated files that match photos used in training */
  seenInTraining: z.array(LeakMatch),
  /** the metrics on the files not seen in training; null when there are none */
  unseen: z.object({ photos: z.number().int(), metrics: RunMetrics }).nullable(),
});
export type FolderEvaluation = z.infer<typeof FolderEvaluation>;

/** 'tfjs' (default): model.json + weights.bin; 'onnx': one model.onnx. Both: image in, class probabilities out. */
export const ExportFormat = z.enum(['tfjs', 'onnx']);
export const ExportRequest = z.object({ runId: Id, outDir: z.string().min(1).max(4096), format: ExportFormat.optional() });
export const ExportResult = z.object({ outDir: z.string(), files: z.array(z.string()), classes: z.array(z.string()) });
export type ExportResult = z.infer<typeof ExportResult>;
