// `studio remove`: take photos out of the library (ids or paths, a folder, or the missing ones), list them first
// with --dry-run, and put a removal back with --undo. Files on disk are never touched.
import path from 'node:path';
import { StudioError } from '../api/errors.js';
import type { RemovalReport, RemoveRequest, RestoreReport } from '../api/removal-schemas.js';
import type { CliContext } from './cli-context.js';
import { resolvePhotoIds } from './library-commands.js';
import type { ParsedCommand } from './parse-command.js';

export const REMOVE_USAGE = 'remove (<photo id or path>… | --folder DIR | --missing) [--dry-run] | remove --undo [REMOVAL_ID]';
export const REMOVE_OPTIONS = { folder: { type: 'string' }, missing: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, undo: { type: 'boolean' } } as const;
/** a real removal lists this many photos; a dry run lists all it got */
const LISTED_AFTER_REMOVAL = 10;

export async function removeCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  if (cmd.flag('undo')) return undoRemoval(ctx, cmd);
  const folder = cmd.option('folder');
  const chosen = [cmd.positionals.length > 0, folder !== undefined, cmd.flag('missing')].filter(Boolean).length;
  if (chosen !== 1) throw new StudioError('INVALID_INPUT', `usage: studio ${REMOVE_USAGE}`);
  const dryRun = cmd.flag('dry-run');
  const target: RemoveRequest = folder !== undefined
    ? { folder: path.resolve(folder), dryRun }
    : cmd.flag('missing') ? { missing: true, dryRun } : { photoIds: await resolvePhotoIds(ctx, cmd.positionals), dryRun };
  const report = await ctx.call('photos.remove', target);
  ctx.print(report, () => formatRemoval(report));
  return 0;
}

async function undoRemoval(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  if (cmd.positionals.length > 1 || (cmd.positionals[0] !== undefined && !/^\d+$/.test(cmd.positionals[0]))) {
    throw new StudioError('INVALID_INPUT', `usage: studio remove --undo [REMOVAL_ID]; received ${cmd.positionals.join(' ')}`);
  }
  const id = cmd.positionals[0];
  const report = await ctx.call('photos.restore', id === undefined ? {} : { removalId: Number(id) });
  ctx.print(report, () => formatRestore(report));
  return 0;
}

function describeTarget(r: RemovalReport): string {
  if (r.scope === 'folder') return ` in ${r.folder}`;
  return r.scope === 'missing' ? ' whose files are missing' : '';
}

export function formatRemoval(r: RemovalReport): string {
  if (r.count === 0) return `No photos of the library${describeTarget(r) || ' matched'}; nothing removed.`;
  const listed = r.dryRun ? r.photos : r.photos.slice(0, LISTED_AFTER_REMOVAL);
  const lines = [
    `${r.dryRun ? 'Would remove' : 'Removed'} ${r.count} photo(s)${describeTarget(r)} from the library (${r.labeled} labeled); files on disk are not touched.`,
    ...listed.map((p) => `  ${p.id}\t${p.className ?? '-'}\t${p.status}\t${p.path}`),
  ];
  if (r.count > listed.length) lines.push(`  … and ${r.count - listed.length} more`);
  lines.push(r.dryRun ? 'Dry run: nothing was changed.' : `Undo with: studio remove --undo ${r.removalId}`);
  return lines.join('\n');
}

function formatRestore(r: RestoreReport): string {
  const lines = [`Restored ${r.restored} photo(s) of removal ${r.removalId} with their labels.`];
  if (r.skipped.length > 0) {
    lines.push(`  skipped ${r.skipped.length}:`);
    for (const skip of r.skipped) lines.push(`    ${skip.path}: ${skip.reason}`);
  }
  return lines.join('\n');
}
