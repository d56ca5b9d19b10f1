// The StudioApi contract: every method's request and response schema, in one table. The core implements it
// (core/studio.ts); the Electron IPC and the HTTP server carry it; the renderer sees only these types.
import { z } from 'zod';
import * as s from './schemas.js';
import * as t from './training-schemas.js';
import * as c from './curate-schemas.js';
import * as r from './removal-schemas.js';
import * as g from './photo-group-schemas.js';
import * as j from './job-schemas.js';
import * as e from './explain-schemas.js';

function method<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

export const studioMethods = {
  'library.info': method(z.object({}), s.LibraryInfo),
  'library.stats': method(z.object({}), s.LibraryStats),

  'photos.import': method(s.ImportRequest, s.JobStarted),
  'photos.list': method(s.PhotoQuery, s.PhotoPage),
  'photos.get': method(z.object({ id: s.Id }), s.PhotoDetail),
  'photos.duplicateGroups': method(s.Paging, z.array(s.DuplicateGroup)),
  /** every folder that holds photos directly, with its photo count, in path order */
  'photos.folders': method(z.object({}), z.array(s.FolderCount)),
  /** where a photo sits in a filter's order (null: not in it) */
  'photos.indexOf': method(s.PhotoIndexRequest, s.PhotoIndex),
  /** the first unlabeled photo after a list position in a filter, wrapping round; null when every photo has a label */
  'photos.nextUnlabeled': method(s.NextUnlabeledRequest, s.NextUnlabeled),
  /** scans a folder without writing: the classes labels-from-folders would create, with photo counts */
  'photos.previewImport': method(s.ImportPreviewRequest, s.ImportPreview),
  /** removes photos from the library (ids, a folder, or the missing ones), never their files; dryRun lists them */
  'photos.remove': method(r.RemoveRequest, r.RemovalReport),
  /** puts a removal's photos back with their labels (default: the latest removal not restored) */
  'photos.restore': method(r.RestoreRequest, r.RestoreReport),
  /** subfolders of a server folder (default: the home folder) for browser mode's folder picker */
  'folders.browse': method(r.BrowseFoldersRequest, r.FolderListing),
  /** capture days and trips with photo counts under a filter (its own day fields left out) */
  'photos.days': method(s.PhotoFilterQuery, g.PhotoDays),
  /** place clusters from GPS with photo counts under a filter (its own place fields left out) */
  'photos.places': method(s.PhotoFilterQuery, g.PhotoPlaces),

  'classes.list': method(z.object({}), z.array(s.ClassInfo)),
  'classes.create': method(z.object({ name: s.ClassName, color: s.Color.optional() }), s.ClassInfo),
  'classes.rename': method(z.object({ id: s.Id, name: s.ClassName }), s.ClassInfo),
  'classes.merge': method(z.object({ sourceId: s.Id, targetId: s.Id }), s.ClassInfo),
  'classes.delete': method(z.object({ id: s.Id }), s.ClassDeleteResult),

  'labels.set': method(s.SetLabelsRequest, s.LabelChangeResult),
  'labels.undo': method(z.object({}), s.LabelChangeResult),
  'labels.redo': method(z.object({}), s.LabelChangeResult),

  'training.backend': method(z.object({}), t.BackendInfo),
  'training.lastConfig': method(z.object({}), t.TrainingConfigInput),
  /** the settings table (labels, units, bounds, steps, defaults, help) that forms are built from */
  'training.fields': method(z.object({}), t.TrainingFields),
  /** the run is created before it answers; its epochs arrive as run.epoch events (result: TrainingResult) */
  'training.start': method(t.TrainingConfigInput, t.TrainingStarted),
  'runs.list': method(z.object({}), z.array(t.RunSummary)),
  'runs.get': method(z.object({ id: s.Id }), t.RunDetail),
  'runs.export': method(t.ExportRequest, t.ExportResult),
  /** predictions for the image files of a folder that is not imported (result: FolderPredictions) */
  'predict.folder': method(t.FolderRequest, s.JobStarted),
  /** accuracy of a run on a folder with class subfolders outside the library (result: FolderEvaluation) */
  'predict.evaluate': method(t.FolderRequest, s.JobStarted),
  /** why a run gives a photo a class: its class activation map (computed on first ask, then cached) */
  'photos.explain': method(e.ExplainRequest, e.PhotoExplanation),
  'review.queue': method(t.ReviewQueueRequest, t.ReviewQueuePage),
  'review.resolve': method(t.ReviewAction, s.LabelChangeResult),

  /** copies or links photos into OUT/<class>/ by label or prediction (result: CurateReport) */
  'curate.copy': method(c.CurateCopyRequest, s.JobStarted),
  /** Keras-layout dataset (OUT/train|validation/<class>/) with a CSV manifest (result: CurateReport) */
  'curate.dataset': method(c.CurateDatasetRequest, s.JobStarted),
  /** a CSV or JSON file of photos with labels, predictions and probabilities (result: CurateReport) */
  'curate.table': method(c.CurateTableRequest, s.JobStarted),
  /** XMP sidecars beside the originals with the class as a keyword, merged into existing ones (result: CurateReport) */
  'curate.xmp': method(c.CurateXmpRequest, s.JobStarted),

  'jobs.list': method(z.object({}), z.array(j.JobState)),
  'jobs.get': method(z.object({ jobId: s.JobId }), j.JobState),
  'jobs.cancel': method(z.object({ jobId: s.JobId }), z.object({ cancelled: z.boolean() })),
} as const;

export type StudioMethods = typeof studioMethods;
export type MethodName = keyof StudioMethods;
export type MethodRequest<M extends MethodName> = z.input<StudioMethods[M]['request']>;
export type MethodResponse<M extends MethodName> = z.output<StudioMethods[M]['response']>;

/** What the core implements and what every client exposes to the renderer. */
export type StudioApi = {
  [M in MethodName]: (request: z.output<StudioMethods[M]['request']>) => Promise<MethodResponse<M>>;
};

/** Events pushed to clients (progress of long jobs, library changes). */
export const studioEvents = {
  'job.progress': s.JobProgress,
  /** `result` typed by `kind` (job-schemas.ts JOB_RESULTS) */
  'job.finished': j.JobFinished,
  'library.changed': s.LibraryChanged,
  /** a training run recorded an epoch (live learning curves without re-reading the run) */
  'run.epoch': t.RunEpoch,
} as const;
export type EventName = keyof typeof studioEvents;
export type EventPayload<E extends EventName> = z.output<(typeof studioEvents)[E]>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(studioMethods, name);
}
