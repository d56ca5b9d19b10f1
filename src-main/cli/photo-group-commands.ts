// `studio days` and `studio places`: the where/when groups with counts, and the --day / --place filters they share
// with `studio photos`.
import path from 'node:path';
import { StudioError } from '../api/errors.js';
import type { PhotoDays, PhotoPlaces, PlaceGroup } from '../api/photo-group-schemas.js';
import type { CliContext } from './cli-context.js';
import type { OptionSpec, ParsedCommand } from './parse-command.js';
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

export const GROUP_OPTIONS: OptionSpec = {
  class: { type: 'string' },
  unlabeled: { type: 'boolean' },
  folder: { type: 'string' },
  day: { type: 'string' },
  place: { type: 'string' },
};
const FILTER_USAGE = `[--class NAME | --unlabeled] [--folder DIR] [${DAY_OPTION_HELP}] [${PLACE_OPTION_HELP}]`;
export const DAYS_USAGE = `days ${FILTER_USAGE}`;
export const PLACES_USAGE = `places ${FILTER_USAGE}`;

async function groupQuery(ctx: CliContext, cmd: ParsedCommand) {
  if (cmd.positionals.length > 0) throw new StudioError('INVALID_INPUT', `usage: studio ${cmd.name === 'days' ? DAYS_USAGE : PLACES_USAGE}`);
  const className = cmd.option('class');
  return {
    ...(className !== undefined ? { classId: (await requireClassNamed(ctx, className)).id } : {}),
    ...(cmd.flag('unlabeled') ? { unlabeled: true } : {}),
    ...(cmd.option('folder') ? { folder: path.resolve(cmd.option('folder') as string) } : {}),
    ...dayFilter(cmd.option('day')),
    ...placeFilter(cmd.option('place')),
    sort: 'name' as const,
    descending: false,
  };
}

export async function daysCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const days = await ctx.call('photos.days', await groupQuery(ctx, cmd));
  ctx.print(days, () => formatDays(days));
  return 0;
}

export async function placesCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const places = await ctx.call('photos.places', await groupQuery(ctx, cmd));
  ctx.print(places, () => formatPlaces(places));
  return 0;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function formatDays({ days, trips, undated }: PhotoDays): string {
  const lines: string[] = [];
  for (const trip of trips) {
    lines.push(`${trip.from === trip.to ? trip.from : `${trip.from}..${trip.to}`}  ${plural(trip.days, 'day')}, ${plural(trip.count, 'photo')}`);
    if (trip.days > 1) for (const d of days.filter((d) => d.day >= trip.from && d.day <= trip.to)) lines.push(`  ${d.day}  ${d.count}`);
  }
  lines.push(`undated  ${plural(undated, 'photo')}`);
  return lines.join('\n');
}

/** "-13.51631, -71.97850": a place is named by its centroid (no reverse geocoding: the app stays offline). */
export function placeName(place: Pick<PlaceGroup, 'lat' | 'lon'>): string {
  return `${place.lat.toFixed(5)}, ${place.lon.toFixed(5)}`;
}

function formatPlaces({ places, noLocation, linkKm }: PhotoPlaces): string {
  const span = (p: PlaceGroup) => (p.firstDay === null ? 'undated' : p.firstDay === p.lastDay ? p.firstDay : `${p.firstDay}..${p.lastDay}`);
  return [
    `Places (photos within ${linkKm} km of each other)`,
    ...places.map((p) => `  ${String(p.id).padStart(6)}  ${placeName(p).padEnd(22)}  ${plural(p.count, 'photo').padEnd(10)}  ${span(p)}`),
    `  no location  ${plural(noLocation, 'photo')}`,
  ].join('\n');
}
