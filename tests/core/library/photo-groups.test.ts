import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaceGroup } from '../../../src-main/api/photo-group-schemas.js';
import type { PhotoQuery } from '../../../src-main/api/schemas.js';
import { openStudio, type Studio } from '../../../src-main/core/studio.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { positionOf, TRIP_PHOTOS, TRIP_PLACES, writeTripPhotos, type TripPlace } from '../../helpers/trip-photos.js';

let studio: Studio;
let photosDir: string;

async function importFolder(root: string): Promise<void> {
  const { jobId } = await studio.api['photos.import']({ root, labelsFromFolders: true });
  expect((await studio.jobs.wait(jobId))?.status).toBe('done');
}

/** The place whose photos were taken around a trip place (place ids depend on the import's order). */
function placeAt(places: readonly PlaceGroup[], name: TripPlace): PlaceGroup {
  const found = places.filter((p) => Math.abs(p.lat - TRIP_PLACES[name].lat) < 0.02 && Math.abs(p.lon - TRIP_PLACES[name].lon) < 0.02);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

async function names(query: Partial<PhotoQuery>): Promise<string[]> {
  const page = await studio.api['photos.list']({ sort: 'name', descending: false, limit: 100, offset: 0, ...query });
  expect(page.total).toBe(page.items.length);
  return page.items.map((p) => p.fileName.replace('.jpg', ''));
}

async function classId(name: string): Promise<number> {
  const found = (await studio.api['classes.list']({})).find((c) => c.name === name);
  return found!.id;
}

const query = { sort: 'name', descending: false } as const;

beforeAll(async () => {
  photosDir = await writeTripPhotos(path.join(makeTempDir('trip-photos-'), 'trip'));
  studio = openStudio(makeTempDir('trip-library-'));
  await importFolder(photosDir);
}, 120_000);
afterAll(() => studio.close());

describe('photos.days', () => {
  it('counts photos per local capture day, joins consecutive days into trips, and counts the undated', async () => {
    expect(await studio.api['photos.days'](query)).toEqual({
      days: [
        { day: '2024-05-01', count: 5 },
        { day: '2024-05-02', count: 4 },
        { day: '2024-05-04', count: 1 },
      ],
      trips: [
        { from: '2024-05-01', to: '2024-05-02', days: 2, count: 9 },
        { from: '2024-05-04', to: '2024-05-04', days: 1, count: 1 },
      ],
      undated: 2,
    });
  });

  it('counts under the other filters but not its own day filter', async () => {
    const alpaca = await classId('alpaca');
    expect(await studio.api['photos.days']({ ...query, classId: alpaca, dayFrom: '2024-05-04', dayTo: '2024-05-04' })).toEqual({
      days: [
        { day: '2024-05-01', count: 3 },
        { day: '2024-05-02', count: 2 },
      ],
      trips: [{ from: '2024-05-01', to: '2024-05-02', days: 2, count: 5 }],
      undated: 2,
    });
  });
});

describe('photos.places', () => {
  it('clusters GPS positions into places named by their centroid and days, and counts the photos without GPS', async () => {
    const { places, noLocation, linkKm } = await studio.api['photos.places'](query);
    expect({ noLocation, linkKm, count: places.length }).toEqual({ noLocation: 2, linkKm: 1, count: 3 });
    const expected = { cusco: ['a1', 'a2', 'a6', 'n1'], pisac: ['a3', 'a4', 'n2'], arequipa: ['a5', 'n3', 'n5'] } as const;
    for (const [name, members] of Object.entries(expected) as [TripPlace, readonly string[]][]) {
      const place = placeAt(places, name);
      const positions = TRIP_PHOTOS.filter((p) => members.includes(p.name)).map((p) => positionOf(p)!);
      expect(place.lat).toBeCloseTo(positions.reduce((s, p) => s + p.lat, 0) / positions.length, 4);
      expect(place.lon).toBeCloseTo(positions.reduce((s, p) => s + p.lon, 0) / positions.length, 4);
      expect({ name, count: place.count, total: place.total }).toEqual({ name, count: members.length, total: members.length });
      expect(await names({ placeId: place.id })).toEqual(members);
    }
    expect([placeAt(places, 'cusco'), placeAt(places, 'pisac'), placeAt(places, 'arequipa')].map((p) => [p.firstDay, p.lastDay])).toEqual([
      ['2024-05-01', '2024-05-01'],
      ['2024-05-01', '2024-05-02'],
      ['2024-05-02', '2024-05-04'],
    ]);
    // the places in the order they were first visited
    expect(places.map((p) => p.firstDay)).toEqual(['2024-05-01', '2024-05-01', '2024-05-02']);
  });

  it('counts under the other filters but keeps the place names of all its photos', async () => {
    const alpaca = await classId('alpaca');
    const { places, noLocation } = await studio.api['photos.places']({ ...query, classId: alpaca, dayFrom: '2024-05-01', dayTo: '2024-05-01' });
    expect(noLocation).toBe(0);
    expect(places.map((p) => [p.count, p.total]).sort()).toEqual([[1, 3], [2, 4]]);
  });
});

describe('the where/when filters', () => {
  it('combine with the label filter: the trip\'s alpacas, one place\'s alpacas, the alpacas nobody dated', async () => {
    const alpaca = await classId('alpaca');
    const { places } = await studio.api['photos.places'](query);
    expect(await names({ classId: alpaca, dayFrom: '2024-05-01', dayTo: '2024-05-02' })).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(await names({ classId: alpaca, dayFrom: '2024-05-01', dayTo: '2024-05-02', placeId: placeAt(places, 'pisac').id })).toEqual(['a3', 'a4']);
    expect(await names({ classId: alpaca, undated: true })).toEqual(['a6', 'a7']);
    expect(await names({ noPlace: true })).toEqual(['a7', 'n4']);
    expect(await names({ dayFrom: '2024-05-02' })).toEqual(['a4', 'a5', 'n3', 'n4', 'n5']);
    expect(await names({ dayTo: '2024-05-01', unlabeled: true })).toEqual([]);
  });

  it('keep the photo\'s place in indexOf and nextUnlabeled, which share the grid\'s filter', async () => {
    const { places } = await studio.api['photos.places'](query);
    const arequipa = placeAt(places, 'arequipa').id;
    const n5 = studio.findPhotoIdByPath(path.join(photosDir, 'not_alpaca', 'n5.jpg'))!;
    expect(await studio.api['photos.indexOf']({ ...query, placeId: arequipa, photoId: n5 })).toEqual({ index: 2 });
  });

  it('refuses a day range that ends before it starts', async () => {
    await expect(studio.api['photos.list']({ ...query, limit: 10, offset: 0, dayFrom: '2024-05-02', dayTo: '2024-05-01' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('places after imports', () => {
  it('are re-clustered after each import: a photo 1.4 km on is a new place, one between joins it to the old one', async () => {
    // n1 is 2 steps (1.4 km) north of a1; x1 two steps further, x2 in between (700 m from both)
    const more = await writeTripPhotos(path.join(makeTempDir('trip-more-'), 'more'), [{ name: 'x1', className: 'alpaca', takenAt: '2024:06:10 12:00:00', place: 'cusco', north: 4 }], 20);
    await importFolder(more);
    const x1 = studio.findPhotoIdByPath(path.join(more, 'alpaca', 'x1.jpg'));
    // the import placed it (photos.places would place an unplaced photo itself)
    expect(studio.library.db.prepare('SELECT place_id FROM photos WHERE id = ?').pluck().get(x1)).toBe(x1);
    let { places } = await studio.api['photos.places'](query);
    expect(places).toHaveLength(4);
    expect(places.at(-1)).toMatchObject({ count: 1, total: 1, firstDay: '2024-06-10', lastDay: '2024-06-10' });

    await importFolder(await writeTripPhotos(path.join(makeTempDir('trip-bridge-'), 'bridge'), [{ name: 'x2', className: 'alpaca', takenAt: '2024:06:10 12:30:00', place: 'cusco', north: 3 }], 21));
    ({ places } = await studio.api['photos.places'](query));
    expect(places).toHaveLength(3);
    expect(places.map((p) => p.total).sort()).toEqual([3, 3, 6]);
    expect(places.find((p) => p.total === 6)).toMatchObject({ firstDay: '2024-05-01', lastDay: '2024-06-10' });
  });

  it('are clustered on first use in a library imported before places existed', async () => {
    studio.library.db.prepare('UPDATE photos SET place_id = NULL').run();
    const { places, noLocation } = await studio.api['photos.places'](query);
    expect({ places: places.map((p) => p.total).sort(), noLocation }).toEqual({ places: [3, 3, 6], noLocation: 2 });
  });
});
