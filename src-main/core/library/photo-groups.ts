// Where/when groups for the grid's filters: capture days (with trips of consecutive days) and GPS places, each
// counted under the rest of the current filter (facets: a day list ignores the day filter, a place list the place one).
import type { Database } from 'better-sqlite3';
import type { PhotoDays, PhotoPlaces, PlaceGroup } from '../../api/photo-group-schemas.js';
import type { PhotoQuery } from '../../api/schemas.js';
import { nextDay, withoutDays, withoutPlaces } from './photo-fact-filters.js';
import { FROM_PHOTOS, resolveRunId, whereClause } from './photo-list.js';

export type PhotoFilter = Omit<PhotoQuery, 'limit' | 'offset'>;

function filtered(db: Database, query: PhotoFilter): { where: string; params: Record<string, unknown> } {
  const { sql, params } = whereClause({ ...query, limit: 1, offset: 0 });
  return { where: sql, params: { ...params, runId: resolveRunId(db, query.runId) } };
}

export function listPhotoDays(db: Database, query: PhotoFilter): PhotoDays {
  const { where, params } = filtered(db, withoutDays(query));
  const rows = db
    .prepare(`SELECT substr(p.taken_at, 1, 10) AS day, COUNT(*) AS count ${FROM_PHOTOS} ${where} GROUP BY day ORDER BY day`)
    .all(params) as { day: string | null; count: number }[];
  const days = rows.filter((r): r is { day: string; count: number } => r.day !== null);
  return { days, trips: tripsOf(days), undated: rows.find((r) => r.day === null)?.count ?? 0 };
}

/** Runs of consecutive calendar days (days must be in order). */
export function tripsOf(days: readonly { day: string; count: number }[]): PhotoDays['trips'] {
  const trips: PhotoDays['trips'] = [];
  for (const { day, count } of days) {
    const last = trips.at(-1);
    if (last && nextDay(last.to) === day) {
      last.to = day;
      last.days += 1;
      last.count += count;
    } else {
      trips.push({ from: day, to: day, days: 1, count });
    }
  }
  return trips;
}

/** Places need photos.place_id up to date (core/photos/place-clusters.ts updates it after each import). */
export function listPhotoPlaces(db: Database, query: PhotoFilter, linkKm: number): PhotoPlaces {
  const { where, params } = filtered(db, withoutPlaces(query));
  const counts = db
    .prepare(
      `SELECT p.place_id AS placeId, (p.gps_lat IS NULL OR p.gps_lon IS NULL) AS noGps, COUNT(*) AS count
       ${FROM_PHOTOS} ${where} GROUP BY placeId, noGps`,
    )
    .all(params) as { placeId: number | null; noGps: number; count: number }[];
  const countOf = new Map(counts.filter((r) => r.placeId !== null).map((r) => [r.placeId!, r.count]));
  // a place is named by all its photos, so its centroid and days do not change with the other filters
  const places = db
    .prepare(
      `SELECT place_id AS id, AVG(gps_lat) AS lat, AVG(gps_lon) AS lon, COUNT(*) AS total,
         MIN(substr(taken_at, 1, 10)) AS firstDay, MAX(substr(taken_at, 1, 10)) AS lastDay
       FROM photos WHERE place_id IS NOT NULL GROUP BY place_id
       ORDER BY firstDay IS NULL, firstDay, place_id`,
    )
    .all() as Omit<PlaceGroup, 'count'>[];
  return {
    places: places
      .filter((place) => countOf.has(place.id))
      .map((place) => ({ ...place, lat: round(place.lat, 5), lon: round(place.lon, 5), count: countOf.get(place.id)! })),
    noLocation: counts.filter((r) => r.noGps === 1).reduce((sum, r) => sum + r.count, 0),
    linkKm,
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
