// Long jobs in the StudioApi, typed by kind: the result each kind finishes with, and the job.finished event and the
// job state as discriminated unions on `kind`, so a client narrows on the kind instead of casting the result.
import { z } from 'zod';
import { CurateReport } from './curate-schemas.js';
import { ImportSummary, JobFinished as AnyJobFinished, JobState as AnyJobState, type JobKind } from './schemas.js';
import { FolderEvaluation, FolderPredictions, TrainingResult } from './training-schemas.js';

/** The result of each job kind (a failed import still hands back its summary so far; others have none then). */
export const JOB_RESULTS = {
  import: ImportSummary,
  training: TrainingResult,
  predict: FolderPredictions,
  evaluate: FolderEvaluation,
  curate: CurateReport,
} as const satisfies Record<JobKind, z.ZodType>;
export type JobResult<K extends JobKind> = z.output<(typeof JOB_RESULTS)[K]>;

// Written out per kind (not mapped): zod's inferred types keep each kind's result only when spelled literally.
export const JobFinished = z.discriminatedUnion('kind', [
  AnyJobFinished.extend({ kind: z.literal('import'), result: ImportSummary.nullable().optional() }),
  AnyJobFinished.extend({ kind: z.literal('training'), result: TrainingResult.nullable().optional() }),
  AnyJobFinished.extend({ kind: z.literal('predict'), result: FolderPredictions.nullable().optional() }),
  AnyJobFinished.extend({ kind: z.literal('evaluate'), result: FolderEvaluation.nullable().optional() }),
  AnyJobFinished.extend({ kind: z.literal('curate'), result: CurateReport.nullable().optional() }),
]);
export type JobFinished = z.infer<typeof JobFinished>;
export type JobFinishedOf<K extends JobKind> = Extract<JobFinished, { kind: K }>;

export const JobState = z.discriminatedUnion('kind', [
  AnyJobState.extend({ kind: z.literal('import'), result: ImportSummary.nullable() }),
  AnyJobState.extend({ kind: z.literal('training'), result: TrainingResult.nullable() }),
  AnyJobState.extend({ kind: z.literal('predict'), result: FolderPredictions.nullable() }),
  AnyJobState.extend({ kind: z.literal('evaluate'), result: FolderEvaluation.nullable() }),
  AnyJobState.extend({ kind: z.literal('curate'), result: CurateReport.nullable() }),
]);
export type JobState = z.infer<typeof JobState>;
