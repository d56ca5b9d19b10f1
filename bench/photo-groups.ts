// Where/when groups on a 20,000-photo library: photos.days and photos.places (unfiltered and under a class filter),
// the place clustering after an import, against photos.list's first page of the same library as the plain baseline.
// Rows are inserted with SQL (dates over a year in trips, GPS in 300 places plus one home place of 5,000 photos).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClass } from '../src-main/core/library/classes.js';
import { openLibrary } from '../src-main/core/library/library.js';
import { createRandom } from '../src-main/core/ml/features/seeded-random.js';
import { clusterPlaces, updatePlaces } from '../src-main/core/photos/place-clusters.js';
import { openStudio } from '../src-main/core/studio.js';
import { describeMachine, type BenchResult } from './bench-result.js';

const PHOTOS = 20_000;
const PLACES = 300;
const HOME_PHOTOS = 5_000;
const REPEATS = 20;

function fillLibrary(dir: string): void {
  const library = openLibrary(dir);
  const { db } = library;
  const random = createRandom(7);
  const alpaca = createClass(db, 'alpaca').id;
  const insert = db.prepare(
    `INSERT INTO photos (path, folder, file_name, content_hash, size_bytes, mtime_ms, taken_at, gps_lat, gps_lon, status, imported_at, updated_at)
     VALUES (@path, '/bench', @name, @hash, 1, 0, @takenAt, @lat, @lon, 'ok', 't', 't')`,
  );
  const label = db.prepare(`INSERT INTO labels (photo_id, class_id, source, updated_at) VALUES (?, ?, 'user', 't')`);
  db.transaction(() => {
    for (let i = 0; i < PHOTOS; i++) {
      const home = i < HOME_PHOTOS;
      const place = Math.floor(random() * PLACES);
      // 60 trips of 1–5 days spread over 2024, 5 places each; 5 % undated, 10 % without GPS
      const trip = Math.floor(place / 5);
      const day = trip * 6 + Math.floor(random() * ((trip % 5) + 1));
      const takenAt = random() < 0.05 ? null : new Date(Date.UTC(2024, 0, 1 + day, 6 + Math.floor(random() * 12))).toISOString().slice(0, 19);
      const hasGps = random() >= 0.1;
      const lat = home ? 47.37 + (random() - 0.5) * 0.01 : 45 + (place % 20) * 0.2 + (random() - 0.5) * 0.01;
      const lon = home ? 8.54 + (random() - 0.5) * 0.01 : 6 + Math.floor(place / 20) * 0.2 + (random() - 0.5) * 0.01;
      const info = insert.run({ path: `/bench/p${i}.jpg`, name: `p${i}.jpg`, hash: `h${i}`, takenAt, lat: hasGps ? lat : null, lon: hasGps ? lon : null });
      if (i % 2 === 0) label.run(Number(info.lastInsertRowid), alpaca);
    }
  })();
  library.close();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn(); // warm: statements prepared, pages cached
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function run(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-groups-'));
  try {
    fillLibrary(dir);
    const studio = openStudio(dir);
    try {
      const { db } = studio.library;
      const gps = db.prepare('SELECT id, gps_lat AS lat, gps_lon AS lon FROM photos WHERE gps_lat IS NOT NULL').all() as { id: number; lat: number; lon: number }[];
      const start = performance.now();
      const firstUpdate = updatePlaces(db);
      const firstClusterMs = performance.now() - start;
      const againMs = await timeMs(() => updatePlaces(db));
      const clusterOnlyMs = await timeMs(() => clusterPlaces(gps));
      const alpaca = (await studio.api['classes.list']({}))[0]!.id;
      const base = { sort: 'name' as const, descending: false };
      const listMs = await timeMs(() => studio.api['photos.list']({ ...base, limit: 200, offset: 0 }));
      const daysMs = await timeMs(() => studio.api['photos.days'](base));
      const placesMs = await timeMs(() => studio.api['photos.places'](base));
      const daysClassMs = await timeMs(() => studio.api['photos.days']({ ...base, classId: alpaca }));
      const placesClassMs = await timeMs(() => studio.api['photos.places']({ ...base, classId: alpaca }));
      const places = await studio.api['photos.places'](base);
      const days = await studio.api['photos.days'](base);
      return {
        name: `Where/when groups (${PHOTOS.toLocaleString('en-US')} photos)`,
        rows: [
          { label: 'places found / trips found', value: places.places.length, unit: `places / ${days.trips.length} trips` },
          { label: 'photos.days, no filter (median)', value: daysMs, unit: 'ms' },
          { label: 'photos.places, no filter (median)', value: placesMs, unit: 'ms' },
          { label: 'photos.days, class filter (median)', value: daysClassMs, unit: 'ms' },
          { label: 'photos.places, class filter (median)', value: placesClassMs, unit: 'ms' },
          { label: 'baseline: photos.list, first page of 200', value: listMs, unit: 'ms' },
          { label: 'photos.places / photos.list page', value: placesMs / listMs, unit: '×' },
          { label: 'clustering alone (median)', value: clusterOnlyMs, unit: 'ms' },
          { label: `re-cluster after import, first (${firstUpdate.changedRows} rows written)`, value: firstClusterMs, unit: 'ms' },
          { label: 're-cluster after import, nothing changed (median)', value: againMs, unit: 'ms' },
        ],
        notes: `${gps.length} photos with GPS, ${HOME_PHOTOS} of them within 1 km of home. ${describeMachine()}, load average ${os.loadavg()[0]!.toFixed(1)} at the end.`,
      };
    } finally {
      await studio.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { formatBenchResult } = await import('./bench-result.js');
  console.log(formatBenchResult(await run()));
}
