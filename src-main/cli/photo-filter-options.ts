// The photo filter options that `studio photos`, `days`, `places` and `curate` share: --class / --unlabeled,
// --folder, --day and --place, turned into the API's filter fields.
import path from 'node:path';
import { StudioError } from '../api/errors.js';
import type { CliContext } from './cli-context.js';
import type { ParsedCommand } from './parse-command.js';
import { requireClassNamed } from './resolve-args.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const DAY_OPTION_HELP = '--day YYYY-MM-DD|FROM..TO|undated';
export const PLACE_OPTION_HELP = '--place ID|none';

/** `--day 2024-05-01`, `--day 2024-05-01..2024-05-03` (a trip; either end may be left open) or `--day undated`. */
export function dayFilter(value: string | undefined): { dayFrom?: string; dayTo?: string; undated?: true } {
  if (value === undefined) return {};
  if (value === 'undated') return { undated: true };
  const [from = '', to = from, ...rest] = value.split('..');
  if (rest.length > 0 || (from !== '' && !DAY.test(from)) || (to !== '' && !DAY.test(to)) || (from === '' && to === '')) {
    throw new StudioError('INVALID_INPUT', `--day expects YYYY-MM-DD, FROM..TO or undated; received "${value}"`);
  }
  return { ...(from ? { dayFrom: from } : {}), ...(to ? { dayTo: to } : {}) };
}

/** `--place 12` (an id from `studio places`) or `--place none` (photos without GPS). */
export function placeFilter(value: string | undefined): { placeId?: number; noPlace?: true } {
  if (value === undefined) return {};
  if (value === 'none') return { noPlace: true };
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new StudioError('INVALID_INPUT', `--place expects a place id from \`studio places\` or none; received "${value}"`);
  return { placeId: Number(value) };
}

/** The filter the options ask for; none given means every photo. */
export async function photoFilterOptions(ctx: CliContext, cmd: ParsedCommand) {
  const className = cmd.option('class');
  return {
    ...(className !== undefined ? { classId: (await requireClassNamed(ctx, className)).id } : {}),
    ...(cmd.flag('unlabeled') ? { unlabeled: true as const } : {}),
    ...(cmd.option('folder') ? { folder: path.resolve(cmd.option('folder') as string) } : {}),
    ...dayFilter(cmd.option('day')),
    ...placeFilter(cmd.option('place')),
  };
}
