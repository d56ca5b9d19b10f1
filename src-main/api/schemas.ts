// Value schemas of the StudioApi (zod): requests are validated at the boundary, the core receives typed values.
import { z } from 'zod';
import { ERROR_CODES } from './errors.js';
import { ClassProbabilities } from './class-probabilities.js';

export const Id = z.number().int().positive();
export const ClassName = z.string().trim().min(1).max(80).regex(/^[^/\\\0]+$/, 'no slashes');
export const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/);
export const Paging = z.object({
  limit: z.number().int().min(1).max(10_000).default(200),
  offset: z.number().int().min(0).default(0),
});

export const LibraryInfo = z.object({ root: z.string(), schemaVersion: z.number().int() });

export const ClassInfo = z.object({
  id: Id,
  name: z.string(),
  color: Color,
  order: z.number().int(),
  photoCount: z.number().int(),
});
export type ClassInfo = z.infer<typeof ClassInfo>;

export const LibraryStats = z.object({
  photos: z.number().int(),
  byStatus: z.object({ ok: z.number().int(), missing: z.number().int(), unreadable: z.number().int() }),
  labeled: z.number().int(),
  unlabeled: z.number().int(),
  classes: z.array(ClassInfo),
  duplicateGroups: z.number().int(),
  photosInDuplicateGroups: z.number().int(),
});
export type LibraryStats = z.infer<typeof LibraryStats>;

export const PhotoStatus = z.enum(['ok', 'missing', 'unreadable']);

export const Photo = z.object({
  id: Id,
  path: z.string(),
  folder: z.string(),
  fileName: z.string(),
  contentHash: z.string(),
  sizeBytes: z.number().int(),
  format: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  takenAt: z.string().nullable(),
  camera: z.string().nullable(),
  gps: z.object({ lat: z.number(), lon: z.number() }).nullable(),
  dupGroup: z.number().int().nullable(),
  /** bits between this photo's perceptual hash and its nearest member of the same near-duplicate group */
  dupDistance: z.number().int().nullable().optional(),
  status: PhotoStatus,
  statusReason: z.string().nullable(),
  classId: z.number().int().nullable(),
  className: z.string().nullable(),
  /** excluded from training (from review) */
  excluded: z.boolean(),
  /** the latest (or requested) run's prediction for this photo, when there is one */
  prediction: z.object({ runId: z.number().int(), classId: z.number().int(), confidence: z.number(), split: z.enum(['train', 'val', 'out-of-fold', 'none']) }).nullable(),
});
export type Photo = z.infer<typeof Photo>;

export const PhotoDetail = Photo.extend({
  orientation: z.number().int().nullable(),
  importedAt: z.string(),
  /** from the shown run, in its class order */
  probabilities: ClassProbabilities.nullable(),
});
export type PhotoDetail = z.infer<typeof PhotoDetail>;

export const PhotoSort = z.enum(['name', 'takenAt', 'id', 'confidence', 'labelErrorScore', 'outlierScore']);
export const PhotoQuery = Paging.extend({
  classId: Id.optional(),
  unlabeled: z.boolean().optional(),
  folder: z.string().max(4096).optional(),
  /** case-insensitive part of the file name */
  search: z.string().max(200).optional(),
  dupGroup: Id.optional(),
  onlyDuplicates: z.boolean().optional(),
  status: PhotoStatus.optional(),
  /** run whose predictions feed the prediction filters and sorts (default: the latest finished run) */
  runId: Id.optional(),
  predictedClassId: Id.optional(),
  misclassified: z.boolean().optional(),
  split: z.enum(['train', 'val']).optional(),
  /** capture days, inclusive (YYYY-MM-DD, the camera's local date): one day, a trip's days, or an open range */
  dayFrom: z.iso.date().optional(),
  dayTo: z.iso.date().optional(),
  /** photos without a capture date */
  undated: z.boolean().optional(),
  /** photos of one place (an id from photos.places) */
  placeId: Id.optional(),
  /** photos without a GPS position */
  noPlace: z.boolean().optional(),
  sort: PhotoSort.default('name'),
  descending: z.boolean().default(false),
});
export type PhotoQuery = z.output<typeof PhotoQuery>;

export const PhotoPage = z.object({ total: z.number().int(), items: z.array(Photo) });
export type PhotoPage = z.infer<typeof PhotoPage>;

/** A folder holding library photos directly, with how many (the renderer nests them into a tree). */
export const FolderCount = z.object({ folder: z.string(), photos: z.number().int() });
export type FolderCount = z.infer<typeof FolderCount>;

export const DuplicateGroup = z.object({ group: Id, photoIds: z.array(Id) });
export type DuplicateGroup = z.infer<typeof DuplicateGroup>;

export const ImportRequest = z.object({
  root: z.string().min(1).max(4096),
  labelsFromFolders: z.boolean().default(false),
});
export type ImportRequest = z.output<typeof ImportRequest>;

export const SkippedFile = z.object({ path: z.string(), reason: z.string() });
/** an imported file the person should look at (near-blank, 16-bit data read at its used depth) */
export const ImportWarning = z.object({ path: z.string(), message: z.string() });
export const ImportSummary = z.object({
  root: z.string(),
  scanned: z.number().int(),
  added: z.number().int(),
  updated: z.number().int(),
  moved: z.number().int(),
  unchanged: z.number().int(),
  /** photos marked missing by an earlier import whose file is back (same path, same content) */
  restored: z.number().int(),
  markedMissing: z.number().int(),
  aliases: z.number().int(),
  labeled: z.number().int(),
  skipped: z.array(SkippedFile),
  warnings: z.array(ImportWarning),
  duplicateGroups: z.array(DuplicateGroup),
  cancelled: z.boolean(),
  durationMs: z.number(),
  /** the photos without a prediction of the latest finished run, predicted by it after the import; absent: no run */
  predictions: z
    .object({
      runId: Id,
      predicted: z.number().int(),
      /** photos imported but not predicted, each with its reason */
      skipped: z.array(SkippedFile),
      cancelled: z.boolean(),
      /** why no prediction could be made (e.g. the run's weights are gone); the import itself is kept */
      error: z.string().nullable(),
    })
    .optional(),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

export const SetLabelsRequest = z.object({
  photoIds: z.array(Id).min(1).max(100_000),
  /** null clears the label */
  classId: Id.nullable(),
  source: z.enum(['user', 'folder', 'review', 'cli']).default('user'),
});
export type SetLabelsRequest = z.output<typeof SetLabelsRequest>;

export const LabelChangeResult = z.object({
  batchId: z.number().int().nullable(),
  changed: z.number().int(),
  photoIds: z.array(Id),
});
export type LabelChangeResult = z.infer<typeof LabelChangeResult>;

export const ClassDeleteResult = z.object({ deletedClassId: Id, unlabeledPhotos: z.number().int() });
export type ClassDeleteResult = z.infer<typeof ClassDeleteResult>;

/** The kinds of long jobs; each has one result type (JOB_RESULTS in job-schemas.ts). */
export const JOB_KINDS = ['import', 'training', 'predict', 'evaluate', 'curate'] as const;
export const JobKind = z.enum(JOB_KINDS);
export type JobKind = z.infer<typeof JobKind>;

export const JobProgress = z.object({
  jobId: z.string(),
  kind: JobKind,
  stage: z.string(),
  done: z.number(),
  total: z.number(),
  ratePerSec: z.number(),
  etaSec: z.number().nullable(),
  message: z.string().optional(),
});
export type JobProgress = z.infer<typeof JobProgress>;

/** A job.finished event of any kind; job-schemas.ts types `result` by kind. */
export const JobFinished = z.object({
  jobId: z.string(),
  kind: JobKind,
  status: z.enum(['done', 'failed', 'cancelled']),
  error: z.string().optional(),
  errorCode: z.enum(ERROR_CODES).optional(),
  /** the job's result (an ImportSummary, a run…), shaped by its kind */
  result: z.unknown().optional(),
});
export type JobFinished = z.infer<typeof JobFinished>;

export const LibraryChanged = z.object({ what: z.enum(['photos', 'labels', 'classes', 'runs']) });
export type LibraryChanged = z.infer<typeof LibraryChanged>;

export const JobId = z.string().min(1).max(100);
export const JobStarted = z.object({ jobId: z.string() });
export type JobStarted = z.infer<typeof JobStarted>;

/** A job as `jobs.get` / `jobs.list` answer it; job-schemas.ts types `result` by kind. */
export const JobState = z.object({
  jobId: z.string(),
  kind: JobKind,
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  startedAt: z.string(),
  progress: JobProgress.nullable(),
  result: z.unknown(),
  error: z.string().nullable(),
  /** the StudioError code when the job failed or was cancelled */
  errorCode: z.enum(ERROR_CODES).nullable(),
});
export type JobState = z.infer<typeof JobState>;

/** A grid filter without paging: where a photo sits in it, or the next one that still needs a label. */
export const PhotoFilterQuery = PhotoQuery.omit({ limit: true, offset: true });
export const PhotoIndexRequest = PhotoFilterQuery.extend({ photoId: Id });
export const PhotoIndex = z.object({ index: z.number().int().nullable() });
export const NextUnlabeledRequest = PhotoFilterQuery.extend({ after: z.number().int().min(-1) });
export const NextUnlabeled = z.object({ index: z.number().int(), photoId: Id }).nullable();

export const ImportPreviewRequest = z.object({ root: z.string().min(1).max(4096) });
/** What an import with labels from folders would do, found by scanning only (nothing is written). */
export const ImportPreview = z.object({
  root: z.string(),
  /** image files found (hidden ones not counted) */
  photos: z.number().int(),
  /** first-level subfolders that would become classes, with their photo counts; `exists` when the class is already there */
  classes: z.array(z.object({ name: z.string(), photos: z.number().int(), exists: z.boolean() })),
  /** photos directly in the folder: they get no label */
  unsorted: z.number().int(),
  /** hidden (dot) folders and files left out */
  hiddenSkipped: z.number().int(),
  /** false when the scan stopped at its time limit (a huge folder): the counts are a part */
  complete: z.boolean(),
});
export type ImportPreview = z.infer<typeof ImportPreview>;
