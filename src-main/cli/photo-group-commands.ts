// `studio days` and `studio places`: the where/when groups with counts, and the --day / --place filters they share
// with `studio photos`.
import { StudioError } from '../api/errors.js';
import type { PhotoDays, PhotoPlaces, PlaceGroup } from '../api/photo-group-schemas.js';
import type { CliContext } from './cli-context.js';
import type { OptionSpec, ParsedCommand } from './parse-command.js';
import { DAY_OPTION_HELP, PLACE_OPTION_HELP, photoFilterOptions } from './photo-filter-options.js';

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
  return {
    ...(await photoFilterOptions(ctx, cmd)),
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
