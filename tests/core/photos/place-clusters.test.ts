import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src-main/core/ml/features/seeded-random.js';
import { clusterPlaces, haversineKm, PLACE_LINK_KM, type GpsPoint } from '../../../src-main/core/photos/place-clusters.js';

/** metres → degrees of latitude */
const M = 1 / 111_195;

/** The definition, checked pair by pair: connected components of "within the link distance". */
function bruteForcePlaces(points: readonly GpsPoint[], linkKm: number): Map<number, number> {
  const place = points.map((p) => p.id);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < points.length; i++) {
      for (let j = 0; j < points.length; j++) {
        if (place[j]! < place[i]! && haversineKm(points[i]!, points[j]!) <= linkKm) {
          place[i] = place[j]!;
          changed = true;
        }
      }
    }
  }
  return new Map(points.map((p, i) => [p.id, place[i]!]));
}

describe('haversineKm', () => {
  it('measures a degree of latitude as about 111.2 km and a degree of longitude at 60° as half of that', () => {
    expect(haversineKm({ lat: 10, lon: 20 }, { lat: 11, lon: 20 })).toBeCloseTo(111.195, 2);
    expect(haversineKm({ lat: 60, lon: 20 }, { lat: 60, lon: 21 })).toBeCloseTo(55.6, 1);
  });
});

describe('clusterPlaces', () => {
  it('joins photos within the link distance, chains them, and names a place by its smallest photo id', () => {
    const points = [
      { id: 7, lat: 46, lon: 8 },
      { id: 3, lat: 46 + 900 * M, lon: 8 },
      { id: 9, lat: 46 + 1800 * M, lon: 8 },
      { id: 4, lat: 46 + 3000 * M, lon: 8 },
    ];
    expect(clusterPlaces(points)).toEqual(new Map([[7, 3], [3, 3], [9, 3], [4, 4]]));
  });

  it('keeps photos just over the link distance apart, at the equator and at 70° north alike', () => {
    for (const lat of [0, 70]) {
      const east = PLACE_LINK_KM * 1.01 / haversineKm({ lat, lon: 0 }, { lat, lon: 1 });
      const near = PLACE_LINK_KM * 0.99 / haversineKm({ lat, lon: 0 }, { lat, lon: 1 });
      expect(clusterPlaces([{ id: 1, lat, lon: 10 }, { id: 2, lat, lon: 10 + east }]).get(2), `apart at ${lat}°`).toBe(2);
      expect(clusterPlaces([{ id: 1, lat, lon: 10 }, { id: 2, lat, lon: 10 + near }]).get(2), `together at ${lat}°`).toBe(1);
    }
  });

  it('finds the same places as checking every pair, on random trails from the equator to the poles', () => {
    const random = createRandom(42);
    for (const [baseLat, spreadKm] of [[0, 30], [47, 25], [-33, 40], [78, 30], [89.5, 12]] as const) {
      const points: GpsPoint[] = [];
      for (let i = 0; i < 150; i++) {
        const lat = Math.max(-90, Math.min(90, baseLat + (random() - 0.5) * spreadKm * M * 1000));
        const lon = 10 + ((random() - 0.5) * spreadKm) / Math.max(0.01, haversineKm({ lat, lon: 0 }, { lat, lon: 1 }));
        expect(Math.abs(lon)).toBeLessThan(180);
        points.push({ id: i + 1, lat, lon });
      }
      const expected = bruteForcePlaces(points, PLACE_LINK_KM);
      expect(clusterPlaces(points), `around ${baseLat}°`).toEqual(expected);
      expect(new Set(expected.values()).size, `around ${baseLat}° the trail makes several places`).toBeGreaterThan(1);
    }
  });

  it('puts thousands of photos of one spot into one place', () => {
    const points = Array.from({ length: 5000 }, (_, i) => ({ id: i + 1, lat: 45 + (i % 70) * 5 * M, lon: 7 + Math.floor(i / 70) * 5 * M }));
    expect(new Set(clusterPlaces(points).values())).toEqual(new Set([1]));
  });

  it('refuses a link distance too small to mean a place', () => {
    expect(() => clusterPlaces([], 0.001)).toThrow(/at least 0.05 km/);
  });
});
