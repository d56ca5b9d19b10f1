import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PhotoDays, PhotoPlaces } from '../../src-main/api/photo-group-schemas.js';
import { runCli as studio } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { TRIP_PLACES, writeTripPhotos } from '../helpers/trip-photos.js';

describe('studio days and studio places', () => {
  const tmp = makeTempDir('cli-groups-');
  const library = path.join(tmp, 'library');

  beforeAll(async () => {
    const photos = await writeTripPhotos(path.join(tmp, 'trip'));
    expect((await studio('import', photos, '--labels-from-folders', '--library', library)).code).toBe(0);
  }, 120_000);

  it('lists the trips with their days and the undated photos', async () => {
    const run = await studio('days', '--library', library);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      '2024-05-01..2024-05-02  2 days, 9 photos',
      '  2024-05-01  5',
      '  2024-05-02  4',
      '2024-05-04  1 day, 1 photo',
      'undated  2 photos',
    ]);
  });

  it('lists places by centroid, filtered by class and day, and the photos of one place with studio photos', async () => {
    const all = (await studio('places', '--library', library, '--json')).json<PhotoPlaces>();
    const pisac = all.places.find((p) => Math.abs(p.lat - TRIP_PLACES.pisac.lat) < 0.01)!;
    const text = await studio('places', '--class', 'alpaca', '--day', '2024-05-02..', '--library', library);
    expect(text.stdout).toContain('Places (photos within 1 km of each other)');
    expect(text.stdout).toMatch(new RegExp(`^ +${pisac.id}  -13\\.42\\d+, -71\\.857\\d+ +1 photo +2024-05-01\\.\\.2024-05-02$`, 'm'));
    expect(text.stdout).toMatch(/no location {2}0 photos$/m);

    const page = (await studio('photos', '--place', String(pisac.id), '--class', 'alpaca', '--library', library, '--json')).json();
    expect(page.items.map((p: { fileName: string }) => p.fileName)).toEqual(['a3.jpg', 'a4.jpg']);
    const noGps = (await studio('photos', '--place', 'none', '--day', 'undated', '--library', library, '--json')).json();
    expect(noGps.items.map((p: { fileName: string }) => p.fileName)).toEqual(['a7.jpg']);
  });

  it('counts days under a place filter', async () => {
    const all = (await studio('places', '--library', library, '--json')).json<PhotoPlaces>();
    const arequipa = all.places.find((p) => Math.abs(p.lat - TRIP_PLACES.arequipa.lat) < 0.01)!;
    const days = (await studio('days', '--place', String(arequipa.id), '--library', library, '--json')).json<PhotoDays>();
    expect(days).toEqual({
      days: [{ day: '2024-05-02', count: 2 }, { day: '2024-05-04', count: 1 }],
      trips: [{ from: '2024-05-02', to: '2024-05-02', days: 1, count: 2 }, { from: '2024-05-04', to: '2024-05-04', days: 1, count: 1 }],
      undated: 0,
    });
  });

  it('takes the same day and place filters in curate: sorted copies of the trip\'s photos at one place, dry run', async () => {
    const all = (await studio('places', '--library', library, '--json')).json<PhotoPlaces>();
    const pisac = all.places.find((p) => Math.abs(p.lat - TRIP_PLACES.pisac.lat) < 0.01)!;
    const run = await studio('curate', 'copy', '--out', path.join(tmp, 'sorted'), '--day', '2024-05-01..2024-05-02', '--place', String(pisac.id), '--dry-run', '--library', library, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json().counts).toEqual({ alpaca: 2, not_alpaca: 1 });
  });

  it('refuses a malformed day or place with exit code 2 and one line', async () => {
    for (const args of [['--day', '2024-5-1'], ['--day', '2024-05-03..2024-05-01'], ['--day', '2024-02-30'], ['--place', 'home']]) {
      const run = await studio('photos', ...args, '--library', library);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
