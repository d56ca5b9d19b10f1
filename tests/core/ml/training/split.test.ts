import { describe, expect, it } from 'vitest';
import { assignFolds, splitTrainValidation, type SplitPhoto } from '../../../../src-main/core/ml/training/split.js';

function photos(counts: number[], groups: Array<[number, number[]]> = []): SplitPhoto[] {
  const list: SplitPhoto[] = [];
  let id = 1;
  counts.forEach((n, classIndex) => {
    for (let i = 0; i < n; i++) list.push({ id: id++, classIndex, dupGroup: null });
  });
  for (const [group, ids] of groups) for (const pid of ids) list[pid - 1]!.dupGroup = group;
  return list;
}

describe('splitTrainValidation', () => {
  it('splits the same photos alike in any library: by content (sortKey), whatever ids they were given', () => {
    const hashes = Array.from({ length: 40 }, (_, i) => `hash-${(i * 7919) % 1000}`);
    const inLibraryA = hashes.map((h, i) => ({ id: i + 1, classIndex: i % 2, dupGroup: null, sortKey: h }));
    // the other library imported the same files in another order
    const inLibraryB = hashes.map((h, i) => ({ id: 100 + ((i * 13) % 40), classIndex: i % 2, dupGroup: null, sortKey: h }));
    const hashOf = (list: SplitPhoto[], ids: number[]) => ids.map((id) => list.find((p) => p.id === id)!.sortKey).sort();
    const a = splitTrainValidation(inLibraryA, { validationFraction: 0.25, seed: 5 });
    const b = splitTrainValidation(inLibraryB, { validationFraction: 0.25, seed: 5 });
    expect(hashOf(inLibraryA, a.validation)).toEqual(hashOf(inLibraryB, b.validation));
  });

  it('gives the same split for the same seed and photos, in any input order', () => {
    const list = photos([40, 57], [[1, [3, 4, 5]]]);
    const a = splitTrainValidation(list, { validationFraction: 0.2, seed: 7 });
    const b = splitTrainValidation([...list].reverse(), { validationFraction: 0.2, seed: 7 });
    expect(b).toEqual(a);
    const c = splitTrainValidation(list, { validationFraction: 0.2, seed: 8 });
    expect(c.validation).not.toEqual(a.validation);
  });

  it('puts the validation fraction of every class into validation, within one photo', () => {
    const counts = [142, 185, 9, 3];
    const list = photos(counts);
    const { train, validation } = splitTrainValidation(list, { validationFraction: 0.2, seed: 3 });
    expect(train.length + validation.length).toBe(list.length);
    expect(new Set([...train, ...validation]).size).toBe(list.length);
    const classOf = new Map(list.map((p) => [p.id, p.classIndex]));
    counts.forEach((n, c) => {
      const inValidation = validation.filter((id) => classOf.get(id) === c).length;
      expect(Math.abs(inValidation - n * 0.2)).toBeLessThanOrEqual(1);
      expect(inValidation).toBeGreaterThanOrEqual(1);
    });
  });

  it('never splits a near-duplicate group across train and validation', () => {
    const list = photos([30, 30], [[1, [1, 2]], [2, [3, 4, 5, 31]], [3, [40, 41]], [4, [10, 11, 12]]]);
    for (let seed = 0; seed < 20; seed++) {
      const { validation } = splitTrainValidation(list, { validationFraction: 0.3, seed });
      const inValidation = new Set(validation);
      for (const group of [1, 2, 3, 4]) {
        const sides = new Set(list.filter((p) => p.dupGroup === group).map((p) => inValidation.has(p.id)));
        expect(sides.size).toBe(1);
      }
    }
  });

  it('refuses a validation fraction outside [0, 1)', () => {
    expect(() => splitTrainValidation(photos([3]), { validationFraction: 1, seed: 1 })).toThrow(/validation fraction/);
  });
});

describe('assignFolds', () => {
  it('spreads every class evenly over the folds, within one photo', () => {
    const counts = [142, 185, 11];
    const list = photos(counts);
    const folds = assignFolds(list, { k: 5, seed: 1 });
    expect(folds.size).toBe(list.length);
    counts.forEach((_, c) => {
      const perFold = [0, 1, 2, 3, 4].map((f) => list.filter((p) => p.classIndex === c && folds.get(p.id) === f).length);
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    });
  });

  it('keeps near-duplicate groups in one fold and is deterministic', () => {
    const list = photos([25, 25], [[1, [1, 2, 3]], [2, [26, 27]], [3, [4, 30]]]);
    const a = assignFolds(list, { k: 4, seed: 9 });
    expect(assignFolds([...list].reverse(), { k: 4, seed: 9 })).toEqual(a);
    for (const group of [1, 2, 3]) {
      const foldsOfGroup = new Set(list.filter((p) => p.dupGroup === group).map((p) => a.get(p.id)));
      expect(foldsOfGroup.size).toBe(1);
    }
  });

  it('refuses fewer than two folds', () => {
    expect(() => assignFolds(photos([10]), { k: 1, seed: 1 })).toThrow(/k ≥ 2/);
  });
});
