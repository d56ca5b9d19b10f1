// CLI commands over the photo library: import, classes, label, undo, redo, photos, stats.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.js';
import type { ImportSummary, LibraryStats } from '../api/schemas.js';
import type { CliContext } from './cli-context.js';
import type { ParsedCommand } from './parse-command.js';
import { existingFolder, findClassNamed } from './resolve-args.js';
import { formatDuration } from './progress-printer.js';
import { runJob, throwIfNotDone } from './run-job.js';
import { photoFilterOptions } from './photo-filter-options.js';

export async function importCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const usage = 'import <dir> [--labels-from-folders]';
  if (cmd.positionals.length > 1) throw new StudioError('INVALID_INPUT', `usage: studio ${usage}`);
  const root = existingFolder(cmd.positionals[0], usage);
  const { jobId } = await ctx.call('photos.import', { root, labelsFromFolders: cmd.flag('labels-from-folders') });
  const state = await runJob(ctx, jobId);
  const summary = state.result as ImportSummary | null;
  if (state.status === 'failed') {
    // a library failure (disk full, read-only…) ends an import with a summary of the work done before it
    if (summary) ctx.print(summary, () => formatImportSummary(summary));
    throwIfNotDone(state, 'import');
  }
  if (!summary) throw new StudioError('CANCELLED', 'Import cancelled before it started');
  ctx.print(summary, () => formatImportSummary(summary));
  return summary.cancelled ? 130 : 0;
}

function formatImportSummary(s: ImportSummary): string {
  const lines = [
    `${s.cancelled ? 'Import cancelled' : 'Imported'} ${s.root} in ${formatDuration(s.durationMs / 1000)}: ${s.scanned} files scanned`,
    `  added ${s.added}, updated ${s.updated}, moved ${s.moved}, unchanged ${s.unchanged}, marked missing ${s.markedMissing}, aliases ${s.aliases}, newly labeled ${s.labeled}`,
  ];
  if (s.duplicateGroups.length > 0) lines.push(`  near-duplicate groups: ${s.duplicateGroups.map((g) => `[${g.photoIds.join(', ')}]`).join(' ')}`);
  if (s.warnings.length > 0) {
    lines.push(`  ${s.warnings.length} warning(s):`);
    for (const warning of s.warnings) lines.push(`    ${warning.path}: ${warning.message}`);
  }
  if (s.skipped.length > 0) {
    lines.push(`  skipped ${s.skipped.length} file(s):`);
    for (const skip of s.skipped) lines.push(`    ${skip.path}: ${skip.reason}`);
  }
  const p = s.predictions;
  if (p) {
    lines.push(`  predicted ${p.predicted} photo(s) with run ${p.runId}${p.cancelled ? ' (cancelled)' : ''}${p.error ? `; no predictions: ${p.error}` : ''}`);
    for (const skip of p.skipped) lines.push(`    not predicted ${skip.path}: ${skip.reason}`);
  }
  return lines.join('\n');
}

export async function resolvePhotoIds(ctx: CliContext, refs: string[]): Promise<number[]> {
  const studio = ctx.studio();
  return refs.map((ref) => {
    if (/^\d+$/.test(ref)) return Number(ref);
    const abs = path.resolve(ref);
    const real = fs.existsSync(abs) ? fs.realpathSync(abs) : abs;
    const id = studio.findPhotoIdByPath(abs) ?? studio.findPhotoIdByPath(real);
    if (id === undefined) throw new StudioError('NOT_FOUND', `Not in the library: ${abs}`);
    return id;
  });
}

export async function labelCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const className = cmd.option('class');
  const clear = cmd.flag('none');
  if (cmd.positionals.length === 0 || (className === undefined) === !clear) {
    throw new StudioError('INVALID_INPUT', 'usage: studio label <photo id or path>… (--class NAME | --none)');
  }
  const photoIds = await resolvePhotoIds(ctx, cmd.positionals);
  let classId: number | null = null;
  if (className !== undefined) {
    classId = (await findClassNamed(ctx, className))?.id ?? (await ctx.call('classes.create', { name: className })).id;
  }
  const result = await ctx.call('labels.set', { photoIds, classId, source: 'cli' });
  ctx.print(result, () => `Labeled ${result.changed} photo(s) ${className !== undefined ? `as ${className}` : 'as unlabeled'} (${photoIds.length - result.changed} already were).`);
  return 0;
}

export async function undoCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const redo = cmd.name === 'redo';
  const result = await ctx.call(redo ? 'labels.redo' : 'labels.undo', {});
  ctx.print(result, () => (result.batchId === null ? `Nothing to ${cmd.name}.` : `${redo ? 'Redid' : 'Undid'} a change of ${result.changed} label(s).`));
  return 0;
}

export async function photosCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const sort = cmd.option('sort') ?? 'name';
  if (sort !== 'name' && sort !== 'takenAt' && sort !== 'id' && sort !== 'outlierScore') {
    throw new StudioError('INVALID_INPUT', `--sort expects name, takenAt, id or outlierScore; received "${sort}"`);
  }
  const page = await ctx.call('photos.list', {
    ...(await photoFilterOptions(ctx, cmd)),
    ...(cmd.option('name') ? { search: cmd.option('name') as string } : {}),
    ...(cmd.flag('duplicates') ? { onlyDuplicates: true } : {}),
    limit: cmd.intOption('limit') ?? 50,
    offset: cmd.intOption('offset') ?? 0,
    sort,
    descending: cmd.flag('desc'),
  });
  ctx.print(page, () =>
    [`${page.total} photo(s)`, ...page.items.map((p) => `${p.id}\t${p.className ?? '-'}\t${p.status}\t${p.path}`)].join('\n'),
  );
  return 0;
}

export async function statsCommand(ctx: CliContext): Promise<number> {
  const stats = await ctx.call('library.stats', {});
  ctx.print({ library: ctx.libraryDir, ...stats }, () => formatStats(ctx.libraryDir, stats));
  return 0;
}

function formatStats(dir: string, s: LibraryStats): string {
  return [
    `Library ${dir}`,
    `  photos ${s.photos} (ok ${s.byStatus.ok}, missing ${s.byStatus.missing}, unreadable ${s.byStatus.unreadable})`,
    `  labeled ${s.labeled}, unlabeled ${s.unlabeled}`,
    ...s.classes.map((c) => `  ${c.name}: ${c.photoCount}`),
    `  near-duplicate groups ${s.duplicateGroups} (${s.photosInDuplicateGroups} photos)`,
  ].join('\n');
}
