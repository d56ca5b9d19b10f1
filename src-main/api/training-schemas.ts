// Schemas of training, runs and review in the StudioApi.
import { z } from 'zod';
import { Id, Photo } from './schemas.js';

export const BackendName = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof BackendName>;

export const BackendInfo = z.object({
  name: BackendName,
  /** why each better backend is not running */
  unavailable: z.array(z.object({ backend: BackendName, reason: z.string() })),
});
export type BackendInfo = z.infer<typeof BackendInfo>;

const strength = (max: number, fallback: number) => z.object({ enabled: z.boolean(), strength: z.number().min(0).max(max) }).default({ enabled: false, strength: fallback });

export const AugmentationConfig = z.object({
  flip: strength(1, 1),
  /** degrees */
  rotation: strength(45, 10),
  /** scale factor above 1 */
  zoom: strength(0.5, 0.1),
  /** fraction of the image */
  translate: strength(0.3, 0.1),
  brightness: strength(0.5, 0.1),
  contrast: strength(0.5, 0.1),
  /** number of precomputed augmented views per photo (features cached per view) */
  views: z.number().int().min(1).max(16).default(4),
});
export type AugmentationConfig = z.infer<typeof AugmentationConfig>;

export const TrainingConfigInput = z.object({
  epochs: z.number().int().min(1).max(500).optional(),
  batchSize: z.number().int().min(1).max(1024).optional(),
  learningRate: z.number().positive().max(1).optional(),
  valSplit: z.number().min(0.05).max(0.5).optional(),
  seed: z.number().int().min(0).optional(),
  augmentation: AugmentationConfig.partial().optional(),
  fineTuneLayers: z.number().int().min(0).max(160).optional(),
  fineTuneEpochs: z.number().int().min(0).max(200).optional(),
  kfold: z.number().int().min(0).max(20).optional(),
  alpha: z.number().positive().max(1.4).optional(),
  inputSize: z.number().int().min(96).max(320).multipleOf(32).optional(),
  /** 'center-crop': short side to size / 0.875, centre square; 'fill': whole frame stretched (the article) */
  resize: z.enum(['center-crop', 'fill']).optional(),
  /** train on mirror images too and average each prediction with its mirror image's */
  mirror: z.boolean().optional(),
  hiddenUnits: z.array(z.number().int().min(1).max(4096)).max(4).optional(),
  dropout: z.number().min(0).max(0.9).optional(),
  classWeights: z.enum(['none', 'balanced']).optional(),
  backend: BackendName.optional(),
  weightsDir: z.string().max(4096).optional(),
});
export type TrainingConfigInput = z.infer<typeof TrainingConfigInput>;

export const RunStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted']);

export const ClassMetrics = z.object({ classId: z.number().int(), name: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: z.number().int() });

export const RunMetrics = z.object({
  accuracy: z.number(),
  loss: z.number().nullable(),
  perClass: z.array(ClassMetrics),
  /** rows = true class, columns = predicted, in the order of `classIds` */
  confusion: z.array(z.array(z.number().int())),
  classIds: z.array(z.number().int()),
  rocAuc: z.number().nullable(),
  kfold: z.object({ k: z.number().int(), accuracies: z.array(z.number()), mean: z.number(), std: z.number() }).nullable(),
  /**
   * What `accuracy` counts: n predictions made without seeing the photo's label ('out-of-fold' after k-fold, the
   * held-out 'validation-split', or an outside 'folder'), with its 95% Wilson score interval. Absent on older runs.
   */
  evaluation: z.object({ on: z.enum(['out-of-fold', 'validation-split', 'folder']), n: z.number().int(), low: z.number(), high: z.number() }).optional(),
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

export const RunDetail = RunSummary.extend({
  config: z.record(z.string(), z.unknown()),
  counts: z.record(z.string(), z.unknown()),
  epochs: z.array(EpochRecord),
  metrics: RunMetrics.nullable(),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const ReviewQueueName = z.enum(['misclassified', 'label-errors', 'uncertain']);
export type ReviewQueueName = z.infer<typeof ReviewQueueName>;

export const ReviewItem = z.object({
  photo: Photo,
  predictedClassId: z.number().int(),
  probabilities: z.record(z.string(), z.number()),
  /** the queue's ranking score: confidence of the mistake, label-error margin, or entropy */
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
  action: z.enum(['accept', 'keep', 'relabel', 'exclude']),
  runId: Id.optional(),
  classId: Id.optional(),
});
export type ReviewAction = z.infer<typeof ReviewAction>;

export const FolderRequest = z.object({ root: z.string().min(1).max(4096), runId: Id.optional() });
export type FolderRequest = z.infer<typeof FolderRequest>;

export const FilePrediction = z.object({ path: z.string(), className: z.string(), probabilities: z.record(z.string(), z.number()) });
export const FolderPredictions = z.object({
  runId: Id,
  items: z.array(FilePrediction),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type FolderPredictions = z.infer<typeof FolderPredictions>;

export const FolderEvaluation = z.object({
  runId: Id,
  photos: z.number().int(),
  metrics: RunMetrics,
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type FolderEvaluation = z.infer<typeof FolderEvaluation>;

export const ExportRequest = z.object({ runId: Id, outDir: z.string().min(1).max(4096) });
export const ExportResult = z.object({ outDir: z.string(), files: z.array(z.string()), classes: z.array(z.string()) });
export type ExportResult = z.infer<typeof ExportResult>;
