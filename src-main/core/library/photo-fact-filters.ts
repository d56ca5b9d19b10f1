// The grid's where/when filters as SQL conditions: capture days (the camera's local date) and GPS places.
import { StudioError } from '../../api/errors.js';
import type { PhotoQuery } from '../../api/schemas.js';

type FactFilter = Pick<PhotoQuery, 'dayFrom' | 'dayTo' | 'undated' | 'placeId' | 'noPlace'>;

/** The calendar day after a YYYY-MM-DD day. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

export function addPhotoFactConditions(query: FactFilter, conditions: string[], params: Record<string, unknown>): void {
  if (query.dayFrom !== undefined && query.dayTo !== undefined && query.dayFrom > query.dayTo) {
    throw new StudioError('INVALID_INPUT', `Expected dayFrom on or before dayTo, received ${query.dayFrom} after ${query.dayTo}`);
  }
  // taken_at starts with the local date ("2024-05-01T10:00:00[+02:00]"), so day bounds are plain string bounds
  // and the photos_taken_at index serves them
  if (query.dayFrom !== undefined) {
    conditions.push('p.taken_at >= @dayFrom');
    params.dayFrom = query.dayFrom;
  }
  if (query.dayTo !== undefined) {
    conditions.push('p.taken_at < @dayAfterTo');
    params.dayAfterTo = nextDay(query.dayTo);
  }
  if (query.undated) conditions.push('p.taken_at IS NULL');
  if (query.placeId !== undefined) {
    conditions.push('p.place_id = @placeId');
    params.placeId = query.placeId;
  }
  if (query.noPlace) conditions.push('(p.gps_lat IS NULL OR p.gps_lon IS NULL)');
}

/** The filter without its day fields (a day list's counts) or its place fields (a place list's counts). */
export function withoutDays<Q extends FactFilter>(query: Q): Q {
  const { dayFrom: _from, dayTo: _to, undated: _undated, ...rest } = query;
  return rest as Q;
}

export function withoutPlaces<Q extends FactFilter>(query: Q): Q {
  const { placeId: _place, noPlace: _none, ...rest } = query;
  return rest as Q;
}
