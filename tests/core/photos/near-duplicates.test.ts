// groupNearDuplicates: the band index finds exactly the pairs a brute-force comparison finds.
import { describe, expect, it } from 'vitest';
import { DUPLICATE_MAX_DISTANCE, groupNearDuplicates } from '../../../src-main/core/photos/near-duplicates.js';
import { createRandom } from '../../../src-main/core/ml/features/seeded-random.js';
import { hammingDistance } from '../../../src-main/core/photos/perceptual-hash.js';

/** Deterministic 32-bit integers (the project's seeded generator) so a failure can be reproduced. */
function random32(seed: number): () => number {
  const random = createRandom(seed);
  return () => Math.floor(random() * 2 ** 32);
}

const hex = (hi: number, lo: number) => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');

function flipBits(hash: string, bits: number, next: () => number): string {
  let hi = parseInt(hash.slice(0, 8), 16) >>> 0;
  let lo = parseInt(hash.slice(8), 16) >>> 0;
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(next() % 64);
  for (const bit of chosen) {
    if (bit < 32) hi = (hi ^ (1 << bit)) >>> 0;
    else lo = (lo ^ (1 << (bit - 32))) >>> 0;
  }
  return hex(hi, lo);
}

function bruteForceGroups(items: { id: number; phash: string }[], maxDistance: number): Map<number, number> {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (hammingDistance(items[i]!.phash, items[j]!.phash) <= maxDistance) parent[Math.max(find(i), find(j))] = Math.min(find(i), find(j));
    }
  }
  const members = new Map<number, number[]>();
  items.forEach((item, i) => members.set(find(i), [...(members.get(find(i)) ?? []), item.id]));
  const groups = new Map<number, number>();
  for (const ids of members.values()) if (ids.length > 1) for (const id of ids) groups.set(id, Math.min(...ids));
  return groups;
}

describe('groupNearDuplicates', () => {
  it('finds the same groups as comparing every pair, for copies 0 to 12 bits apart', () => {
    const next = random32(42);
    const items: { id: number; phash: string }[] = [];
    for (let id = 1; id <= 2000; id++) {
      const source = items.length > 0 && next() % 4 === 0 ? items[next() % items.length]! : null;
      items.push({ id, phash: source ? flipBits(source.phash, next() % 13, next) : hex(next(), next()) });
    }
    const expected = bruteForceGroups(items, DUPLICATE_MAX_DISTANCE);
    expect(expected.size).toBeGreaterThan(300);
    expect(groupNearDuplicates(items)).toEqual(expected);
  });

  it('uses the smallest id of a group as its id and leaves singletons out', () => {
    const groups = groupNearDuplicates([
      { id: 7, phash: 'ffff0000ffff0000' },
      { id: 3, phash: 'ffff0000ffff0003' },
      { id: 9, phash: '0123456789abcdef' },
    ]);
    expect([...groups.entries()].sort()).toEqual([
      [3, 3],
      [7, 3],
    ]);
  });

  it('joins hashes exactly at the threshold and not one bit beyond', () => {
    const base = '0000000000000000';
    const at = (bits: number) => (bits === 0 ? 0n : (1n << BigInt(bits)) - 1n).toString(16).padStart(16, '0');
    expect(groupNearDuplicates([{ id: 1, phash: base }, { id: 2, phash: at(DUPLICATE_MAX_DISTANCE) }]).size).toBe(2);
    expect(groupNearDuplicates([{ id: 1, phash: base }, { id: 2, phash: at(DUPLICATE_MAX_DISTANCE + 1) }]).size).toBe(0);
  });
});
