// Kept neighbour lists: exact against a brute-force cosine k-NN when built, and after photos are added and removed.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { updateNeighbourLists, type NeighbourLists } from '../../../../src-main/core/ml/neighbours/neighbour-lists.js';
import { bruteForceNearest, neighbourFixture } from '../../../helpers/neighbour-fixture.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Each row's list as photo ids, against the brute-force order among `rows` (by photo id too). */
function expectExact(lists: NeighbourLists, fixture: ReturnType<typeof neighbourFixture>, rows: readonly number[]) {
  lists.ids.forEach((id, r) => {
    const row = rows[r] as number;
    expect(id).toBe(fixture.ids[row]);
    const expected = bruteForceNearest(fixture.features, fixture.dim, row, rows).map((other) => fixture.ids[other]);
    const length = lists.lengths[r] as number;
    expect(length).toBeGreaterThanOrEqual(lists.width / 2);
    expect(Array.from(lists.neighbours.subarray(r * lists.width, r * lists.width + length))).toEqual(expected.slice(0, length));
  });
}

function subset(fixture: ReturnType<typeof neighbourFixture>, rows: readonly number[]) {
  const features = new Float32Array(rows.length * fixture.dim);
  rows.forEach((row, i) => features.set(fixture.features.subarray(row * fixture.dim, (row + 1) * fixture.dim), i * fixture.dim));
  return { ids: Int32Array.from(rows, (row) => fixture.ids[row] as number), features, dim: fixture.dim };
}

describe('updateNeighbourLists', () => {
  const fixture = neighbourFixture(300);
  const all = Array.from({ length: 300 }, (_, i) => i);

  for (const engine of ['onnxruntime', 'tfjs'] as const) {
    it(`builds each photo's exact nearest photos, itself left out (${engine})`, async () => {
      const update = await updateNeighbourLists(null, subset(fixture, all), { engine });
      expect(update).toMatchObject({ reused: 0, computed: 300, removed: 0, engine });
      expect(update.lists.lengths.every((n) => n === 32)).toBe(true);
      expectExact(update.lists, fixture, all);
    });
  }

  it('keeps the lists of photos that stayed when photos are added and removed, and stays exact', async () => {
    const before = all.filter((row) => row < 260 && row % 10 !== 3);
    const first = await updateNeighbourLists(null, subset(fixture, before));
    // 26 removed (row % 10 === 7), 66 added (the 26 skipped before and rows 260–299), in another order
    const after = all.filter((row) => row % 10 !== 7).reverse();
    const second = await updateNeighbourLists(first.lists, subset(fixture, after));
    expect(second.removed).toBe(before.filter((row) => row % 10 === 7).length);
    expect(second.reused).toBeGreaterThan(150);
    expect(second.reused + second.computed).toBe(after.length);
    expectExact(second.lists, fixture, after);
  });

  it('computes again the lists most photos were removed from, beside the new photos', async () => {
    const wide = neighbourFixture(360);
    const first = await updateNeighbourLists(null, subset(wide, Array.from({ length: 300 }, (_, i) => i)));
    // 210 of 300 removed, 60 added: kept lists left with fewer than 16 are computed again with the 60 new ones
    const rows = [...Array.from({ length: 60 }, (_, i) => 300 + i), ...Array.from({ length: 90 }, (_, i) => i)];
    const second = await updateNeighbourLists(first.lists, subset(wide, rows));
    expect(second.removed).toBe(210);
    expect(second.computed).toBeGreaterThan(60);
    expect(second.reused + second.computed).toBe(150);
    expectExact(second.lists, wide, rows);
  });

  it('treats a photo whose features changed as removed and added again', async () => {
    const first = await updateNeighbourLists(null, subset(fixture, all));
    const changed = subset(fixture, all);
    changed.features.set(fixture.features.subarray(0, fixture.dim), 5 * fixture.dim); // photo 1005 now looks like 1000
    const second = await updateNeighbourLists(first.lists, changed);
    expect(second.removed).toBe(1);
    const row5 = Array.from(second.lists.neighbours.subarray(5 * 32, 6 * 32));
    expect(row5[0]).toBe(1000);
    expect(second.lists.similarities[5 * 32]).toBeCloseTo(1, 5);
  });

  it('computes everything again when over half the photos are new', async () => {
    const first = await updateNeighbourLists(null, subset(fixture, all.slice(0, 100)));
    const second = await updateNeighbourLists(first.lists, subset(fixture, all));
    expect(second).toMatchObject({ reused: 0, computed: 300, removed: 0 });
    expectExact(second.lists, fixture, all);
  });
});
