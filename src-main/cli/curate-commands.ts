// `studio curate copy|dataset|table|xmp`: sorted copies, a Keras-layout dataset, a photo table, XMP sidecars; each
// with --dry-run.
import path from 'node:path';
import { StudioError } from '../api/errors.js';
import type { CurateReport, CurateSelection } from '../api/curate-schemas.js';
import type { CliContext } from './cli-context.js';
import type { OptionSpec, ParsedCommand } from './parse-command.js';
import { resolvePhotoIds } from './library-commands.js';
import { photoFilterOptions } from './photo-filter-options.js';
import { runJob, throwIfNotDone } from './run-job.js';

export const CURATE_USAGE =
  '(curate copy|dataset|table --out PATH | curate xmp [--naming name.xmp|name.ext.xmp]) [--dry-run] [ID|PATH… | [--class NAME | --unlabeled] [--folder DIR]] [--run ID] [options]';

export const CURATE_OPTIONS: OptionSpec = {
  out: { type: 'string' },
  'dry-run': { type: 'boolean' },
  class: { type: 'string' },
  unlabeled: { type: 'boolean' },
  folder: { type: 'string' },
  day: { type: 'string' },
  place: { type: 'string' },
  run: { type: 'string' },
  by: { type: 'string' },
  'min-confidence': { type: 'string' },
  mode: { type: 'string' },
  'new-split': { type: 'boolean' },
  'validation-fraction': { type: 'string' },
  seed: { type: 'string' },
  format: { type: 'string' },
  naming: { type: 'string' },
};

export function curateHelp(): string {
  return [
    'actions:',
    '  copy     photos into OUT/<class>/ by label (--by label, the default) or by a run\'s prediction',
    '           (--by prediction: below --min-confidence, default 0.8, into OUT/_unsure/); names made unique (name-2.jpg)',
    '  dataset  labeled photos into OUT/train/<class>/ and OUT/validation/<class>/ (Keras image_dataset_from_directory)',
    '           by the run\'s train/validation split; after a k-fold run, or with --new-split, by a new seeded stratified',
    '           split (--validation-fraction, default 0.2; --seed, default 1); plus OUT/manifest.csv',
    '           (path,label,split,sha256); OUT must be new or empty',
    '  table    a CSV (--format csv, the default) or JSON file of photos: label, prediction, confidence, split and',
    '           per-class probabilities of a run (default the latest); the file must not exist',
    '  xmp      XMP sidecars beside the originals (the photos themselves are not touched): the class (--by label or',
    '           --by prediction above --min-confidence) as keyword and as `Hike Photo Studio|<class>`, merged into an',
    '           existing sidecar (its other fields kept); --naming name.xmp (Lightroom, default) or name.ext.xmp',
    '           (darktable, digiKam)',
    'options:',
    '  --mode copy|hardlink|symlink  how copy and dataset place files (default copy)',
    '  --class NAME | --unlabeled, --folder DIR, --day YYYY-MM-DD|FROM..TO|undated, --place ID|none   which photos (default all)',
    '  ID|PATH…    exactly these photos (ids or paths of library photos, as `studio remove` takes them), not a filter',
    '  --dry-run   list what would be written (counts per folder, planned paths) and write nothing',
    'Originals are never written: an OUT that overlaps a folder of library photos is refused, an existing file is never replaced.',
  ].join('\n');
}

async function selectionOf(ctx: CliContext, cmd: ParsedCommand): Promise<CurateSelection> {
  const refs = cmd.positionals.slice(1);
  if (refs.length > 0) {
    const filters = ['class', 'unlabeled', 'folder', 'day', 'place'].filter((key) => cmd.option(key) !== undefined || cmd.flag(key));
    if (filters.length) throw new StudioError('INVALID_INPUT', `Give photo ids/paths or filters (--${filters.join(', --')}), not both`);
    return { photoIds: await resolvePhotoIds(ctx, refs) };
  }
  return photoFilterOptions(ctx, cmd);
}

function oneOf<T extends string>(cmd: ParsedCommand, key: string, allowed: readonly T[]): T | undefined {
  const value = cmd.option(key);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new StudioError('INVALID_INPUT', `--${key} expects ${allowed.join(', ')}; received "${value}"`);
  return value as T;
}

function reportLines(report: CurateReport): string[] {
  const verb = report.dryRun ? 'would write' : 'wrote';
  const counts = Object.entries(report.counts).map(([group, n]) => `  ${group}: ${n}`);
  const planned = report.dryRun ? report.planned.map((p) => `  ${p.source} → ${p.target}`) : [];
  const written = report.action === 'xmp'
    ? `${verb} ${report.dryRun ? report.planned.length : report.written} sidecar(s) (${report.out})`
    : report.action === 'table' ? `${report.out}: ${verb} ${report.counts.rows ?? 0} row(s)` : `${report.out}: ${verb} ${report.dryRun ? report.planned.length : report.written} file(s)`;
  return [
    written + (report.runId !== null ? ` (run ${report.runId})` : ''),
    ...counts,
    ...(planned.length ? ['planned:', ...planned] : []),
    ...(report.manifest ? [`manifest: ${report.manifest}`] : []),
    ...(report.skipped.length ? [`skipped ${report.skipped.length}:`, ...report.skipped.map((s) => `  ${s.path}: ${s.reason}`)] : []),
    ...(report.cancelled ? ['cancelled: the files written so far are kept'] : []),
  ];
}

export async function curateCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const action = cmd.positionals[0];
  const out = cmd.option('out') ?? '';
  const known = action === 'copy' || action === 'dataset' || action === 'table' || action === 'xmp';
  if (!known || (action !== 'xmp' && !out)) throw new StudioError('INVALID_INPUT', `usage: studio ${CURATE_USAGE}`);
  const common = { selection: await selectionOf(ctx, cmd), dryRun: cmd.flag('dry-run'), ...(cmd.intOption('run') ? { runId: cmd.intOption('run') } : {}) };
  const mode = oneOf(cmd, 'mode', ['copy', 'hardlink', 'symlink'] as const);
  let jobId: string;
  if (action === 'copy') {
    const by = oneOf(cmd, 'by', ['label', 'prediction'] as const);
    const minConfidence = cmd.numberOption('min-confidence');
    ({ jobId } = await ctx.call('curate.copy', { outDir: path.resolve(out), ...common, ...(by ? { by } : {}), ...(mode ? { mode } : {}), ...(minConfidence !== undefined ? { minConfidence } : {}) }));
  } else if (action === 'dataset') {
    const validationFraction = cmd.numberOption('validation-fraction');
    const seed = cmd.intOption('seed');
    ({ jobId } = await ctx.call('curate.dataset', {
      outDir: path.resolve(out),
      ...common,
      newSplit: cmd.flag('new-split'),
      ...(mode ? { mode } : {}),
      ...(validationFraction !== undefined ? { validationFraction } : {}),
      ...(seed !== undefined ? { seed } : {}),
    }));
  } else if (action === 'xmp') {
    const by = oneOf(cmd, 'by', ['label', 'prediction'] as const);
    const naming = oneOf(cmd, 'naming', ['name.xmp', 'name.ext.xmp'] as const);
    const minConfidence = cmd.numberOption('min-confidence');
    ({ jobId } = await ctx.call('curate.xmp', { ...common, ...(by ? { by } : {}), ...(naming ? { naming } : {}), ...(minConfidence !== undefined ? { minConfidence } : {}) }));
  } else {
    const format = oneOf(cmd, 'format', ['csv', 'json'] as const);
    ({ jobId } = await ctx.call('curate.table', { outFile: path.resolve(out), ...common, ...(format ? { format } : {}) }));
  }
  const state = await runJob(ctx, jobId);
  throwIfNotDone(state, `curate ${action}`, 'Cancelled: the files written so far are kept');
  const report = state.result as CurateReport;
  ctx.print(report, () => reportLines(report).join('\n'));
  return report.cancelled ? 130 : 0;
}
