// The StudioApi contract: every method's request and response schema, in one table. The core implements it
// (core/studio.ts); the Electron IPC and the HTTP server carry it; the renderer sees only these types.
import { z } from 'zod';
import * as s from './schemas.js';
import * as t from './training-schemas.js';
import * as c from './curate-schemas.js';

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
  'training.start': method(t.TrainingConfigInput, s.JobStarted),
  'runs.list': method(z.object({}), z.array(t.RunSummary)),
  'runs.get': method(z.object({ id: s.Id }), t.RunDetail),
  'runs.export': method(t.ExportRequest, t.ExportResult),
  /** predictions for the image files of a folder that is not imported (result: FolderPredictions) */
  'predict.folder': method(t.FolderRequest, s.JobStarted),
  /** accuracy of a run on a folder with class subfolders outside the library (result: FolderEvaluation) */
  'predict.evaluate': method(t.FolderRequest, s.JobStarted),
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

  'jobs.list': method(z.object({}), z.array(s.JobState)),
  'jobs.get': method(z.object({ jobId: s.JobId }), s.JobState),
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
  'job.finished': s.JobFinished,
  'library.changed': s.LibraryChanged,
} as const;
export type EventName = keyof typeof studioEvents;
export type EventPayload<E extends EventName> = z.output<(typeof studioEvents)[E]>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(studioMethods, name);
}
