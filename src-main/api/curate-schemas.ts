// Request and report schemas of the curate actions: sorted copies, dataset export, photo tables (all with a dry run).
import { z } from 'zod';
import { Id, PhotoFilterQuery } from './schemas.js';

const AbsolutePath = z.string().min(1).max(4096);

/** The most photo ids a curate request may list (as a removal's). */
export const CURATE_MAX_IDS = 100_000;

/**
 * Which photos an action takes: either the grid's filters (no sort, no paging; empty means every photo) or
 * `photoIds`, an explicit selection, never both.
 */
export const CurateSelection = PhotoFilterQuery.omit({ sort: true, descending: true })
  .partial()
  .extend({ photoIds: z.array(Id).min(1).max(CURATE_MAX_IDS).optional() })
  .refine(({ photoIds, ...filter }) => photoIds === undefined || Object.values(filter).every((v) => v === undefined), {
    message: 'a selection takes either photoIds or filters, not both',
  });
export type CurateSelection = z.output<typeof CurateSelection>;

export const PlaceMode = z.enum(['copy', 'hardlink', 'symlink']);
export type PlaceMode = z.infer<typeof PlaceMode>;

export const CurateCopyRequest = z.object({
  outDir: AbsolutePath,
  selection: CurateSelection.default({}),
  /** sort by the photo's label, or by a run's prediction (below minConfidence: `_unsure/`) */
  by: z.enum(['label', 'prediction']).default('label'),
  /** the run whose predictions sort the photos (default: the latest finished run) */
  runId: Id.optional(),
  minConfidence: z.number().min(0).max(1).default(0.8),
  mode: PlaceMode.default('copy'),
  dryRun: z.boolean().default(false),
});
export type CurateCopyRequest = z.output<typeof CurateCopyRequest>;

export const CurateDatasetRequest = z.object({
  outDir: AbsolutePath,
  selection: CurateSelection.default({}),
  /** the run whose train/validation split is reused (default: the latest finished run; k-fold runs get a new split) */
  runId: Id.optional(),
  /** ignore any run and make a new seeded stratified split */
  newSplit: z.boolean().default(false),
  validationFraction: z.number().min(0).lt(1).default(0.2),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  mode: PlaceMode.default('copy'),
  dryRun: z.boolean().default(false),
});
export type CurateDatasetRequest = z.output<typeof CurateDatasetRequest>;

export const CurateTableRequest = z.object({
  outFile: AbsolutePath,
  format: z.enum(['csv', 'json']).default('csv'),
  selection: CurateSelection.default({}),
  /** the run whose predictions and probabilities are listed (default: the latest finished run) */
  runId: Id.optional(),
  dryRun: z.boolean().default(false),
});
export type CurateTableRequest = z.output<typeof CurateTableRequest>;

/** XMP sidecars beside the originals (opt-in): the class as a keyword, merged into an existing sidecar. */
export const CurateXmpRequest = z.object({
  selection: CurateSelection.default({}),
  by: z.enum(['label', 'prediction']).default('label'),
  runId: Id.optional(),
  minConfidence: z.number().min(0).max(1).default(0.8),
  /** `name.xmp` as Lightroom names sidecars, `name.ext.xmp` as darktable and digiKam do */
  naming: z.enum(['name.xmp', 'name.ext.xmp']).default('name.xmp'),
  dryRun: z.boolean().default(false),
});
export type CurateXmpRequest = z.output<typeof CurateXmpRequest>;

export const PlannedFile = z.object({
  photoId: Id,
  source: z.string(),
  target: z.string(),
  /** the folder the photo goes to: a class name, `_unsure`, or `train/<class>` / `validation/<class>` */
  group: z.string(),
});
export type PlannedFile = z.infer<typeof PlannedFile>;

/** What an action did (or, in a dry run, would do). */
export const CurateReport = z.object({
  action: z.enum(['copy', 'dataset', 'table', 'xmp']),
  dryRun: z.boolean(),
  /** the folder or file written (for sidecars: the naming) */
  out: z.string(),
  runId: z.number().int().nullable(),
  /** photos per target folder (per class; `train/<class>` for datasets; `rows` for tables) */
  counts: z.record(z.string(), z.number().int()),
  planned: z.array(PlannedFile),
  written: z.number().int(),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  /** the dataset's CSV manifest */
  manifest: z.string().nullable(),
  cancelled: z.boolean(),
});
export type CurateReport = z.infer<typeof CurateReport>;
