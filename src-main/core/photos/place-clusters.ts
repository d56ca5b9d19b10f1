// Places: photos grouped by GPS position, as the connected components of "taken within PLACE_LINK_KM of each other"
// (single linkage = DBSCAN with minPts 1), stored in photos.place_id as the smallest photo id of the place.
//
// Why not a library: @turf/clusters-dbscan (the well-kept DBSCAN with haversine) re-queries every point's whole
// neighbourhood, so a place with n photos costs n² distance checks: 3.8 s for 20k photos in 40 places here, and
// minutes for a home town with 20k photos. Here points are bucketed into cells whose diagonal is under the link
// distance, so photos of one cell join without any check, and two cells are compared pair by pair only until
// they join (or are found apart). Known limit: places are not joined across the antimeridian (±180° longitude).
import type { Database } from 'better-sqlite3';
import { UnionFind } from './near-duplicates.js';

/** Photos this close (great-circle distance) are in one place; a chain of such steps joins them too. */
export const PLACE_LINK_KM = 1;
const EARTH_RADIUS_KM = 6371.0088;
const KM_PER_DEGREE = (EARTH_RADIUS_KM * Math.PI) / 180;
const RADIANS = Math.PI / 180;
/** cells a little smaller than diagonal = link, so rounding never joins two photos farther apart than the link */
const CELL_MARGIN = 0.999;
const MAX_LAT_FOR_WIDTH = 89.999;

export interface GpsPoint {
  id: number;
  lat: number;
  lon: number;
}

export function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = (b.lat - a.lat) * RADIANS;
  const dLon = (b.lon - a.lon) * RADIANS;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RADIANS) * Math.cos(b.lat * RADIANS) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

interface Grid {
  cellDeg: number;
  /** longitude width of a cell in this row: its km width is at most the cell height where the row is widest */
  cellLon(row: number): number;
}

function makeGrid(linkKm: number): Grid {
  const cellDeg = ((linkKm / KM_PER_DEGREE) * CELL_MARGIN) / Math.SQRT2;
  const widths = new Map<number, number>();
  return {
    cellDeg,
    cellLon(row) {
      let width = widths.get(row);
      if (width === undefined) {
        const low = row * cellDeg - 90;
        const high = low + cellDeg;
        const nearestEquator = low <= 0 && high >= 0 ? 0 : Math.min(Math.abs(low), Math.abs(high));
        width = Math.min(360, cellDeg / Math.cos(Math.min(nearestEquator, MAX_LAT_FOR_WIDTH) * RADIANS));
        widths.set(row, width);
      }
      return width;
    },
  };
}

/** Every point's place id: the smallest id among the points it is linked to (itself when alone). */
export function clusterPlaces(points: readonly GpsPoint[], linkKm = PLACE_LINK_KM): Map<number, number> {
  if (!(linkKm >= 0.05)) throw new Error(`place link distance must be at least 0.05 km, received ${linkKm}`);
  const grid = makeGrid(linkKm);
  const linkDeg = linkKm / KM_PER_DEGREE;
  const rowSpan = Math.ceil(linkDeg / grid.cellDeg);
  const cells = new Map<string, number[]>();
  const cellOf = (lat: number, lon: number): [number, number] => {
    const row = Math.floor((lat + 90) / grid.cellDeg);
    return [row, Math.floor((lon + 180) / grid.cellLon(row))];
  };
  points.forEach((p, i) => {
    const [row, col] = cellOf(p.lat, p.lon);
    const key = `${row}:${col}`;
    const members = cells.get(key);
    if (members) members.push(i);
    else cells.set(key, [i]);
  });

  const sets = new UnionFind(points.length);
  for (const members of cells.values()) {
    for (const i of members) sets.union(members[0]!, i);
    members.sort((i, j) => points[i]!.lat - points[j]!.lat);
  }

  // members are sorted by latitude: for each photo of one cell, only the other cell's photos within the link in
  // latitude are measured (haversine ≥ R·|Δlat|), so two dense places just over the link apart stay cheap
  const linked = (a: readonly number[], b: readonly number[]): boolean => {
    let from = 0;
    for (const i of a) {
      const p = points[i]!;
      while (from < b.length && points[b[from]!]!.lat < p.lat - linkDeg) from++;
      for (let k = from; k < b.length && points[b[k]!]!.lat <= p.lat + linkDeg; k++) {
        if (haversineKm(p, points[b[k]!]!) <= linkKm) return true;
      }
    }
    return false;
  };
  for (const [key, members] of cells) {
    const [row, col] = key.split(':').map(Number) as [number, number];
    const width = grid.cellLon(row);
    const lonLow = col * width - 180;
    const lonHigh = lonLow + width;
    const maxAbsLat = Math.min(MAX_LAT_FOR_WIDTH, Math.max(Math.abs(row * grid.cellDeg - 90), Math.abs((row + 1) * grid.cellDeg - 90)) + linkDeg);
    // haversine ≥ cos²(maxAbsLat)·sin²(Δlon/2), so farther in longitude than this is farther than the link
    const reachSine = Math.sin(linkKm / (2 * EARTH_RADIUS_KM)) / Math.cos(maxAbsLat * RADIANS);
    const lonReach = reachSine >= 1 ? 360 : (2 * Math.asin(reachSine)) / RADIANS;
    for (let r = row - rowSpan; r <= row + rowSpan; r++) {
      const w = grid.cellLon(r);
      const first = Math.max(0, Math.floor((lonLow - lonReach + 180) / w));
      const last = Math.min(Math.ceil(360 / w) - 1, Math.floor((lonHigh + lonReach + 180) / w));
      for (let c = first; c <= last; c++) {
        // each pair of cells once
        if (r < row || (r === row && c <= col)) continue;
        const other = cells.get(`${r}:${c}`);
        if (!other || sets.find(members[0]!) === sets.find(other[0]!)) continue;
        if (linked(members, other)) sets.union(members[0]!, other[0]!);
      }
    }
  }

  const minIdOfRoot = new Map<number, number>();
  points.forEach((p, i) => {
    const root = sets.find(i);
    minIdOfRoot.set(root, Math.min(minIdOfRoot.get(root) ?? p.id, p.id));
  });
  return new Map(points.map((p, i) => [p.id, minIdOfRoot.get(sets.find(i))!]));
}

/** Whether some photo with GPS has no place yet (imported before places existed, or by an older app). */
export function placesNeedUpdate(db: Database): boolean {
  return db.prepare('SELECT EXISTS (SELECT 1 FROM photos WHERE place_id IS NULL AND gps_lat IS NOT NULL AND gps_lon IS NOT NULL)').pluck().get() === 1;
}

/** Re-clusters the whole library's places; writes only rows whose place changed. */
export function updatePlaces(db: Database, linkKm = PLACE_LINK_KM): { places: number; changedRows: number } {
  const rows = db
    .prepare('SELECT id, gps_lat AS lat, gps_lon AS lon, place_id AS placeId FROM photos WHERE gps_lat IS NOT NULL AND gps_lon IS NOT NULL')
    .all() as (GpsPoint & { placeId: number | null })[];
  const placeOf = clusterPlaces(rows, linkKm);
  const changes = rows.filter((row) => placeOf.get(row.id) !== row.placeId);
  const lostGps = db.prepare('SELECT id FROM photos WHERE place_id IS NOT NULL AND (gps_lat IS NULL OR gps_lon IS NULL)').pluck().all() as number[];
  if (changes.length + lostGps.length > 0) {
    const update = db.prepare('UPDATE photos SET place_id = ? WHERE id = ?');
    // the places are a function of the GPS rows read above; an import that changes GPS meanwhile re-clusters after it
    db.transaction(() => {
      for (const row of changes) update.run(placeOf.get(row.id)!, row.id);
      for (const id of lostGps) update.run(null, id);
    }).immediate();
  }
  const changedRows = changes.length + lostGps.length;
  return { places: new Set(placeOf.values()).size, changedRows };
}
