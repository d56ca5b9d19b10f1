// When a label change must reload the day and place counts: only when the grid's filter selects by label.
import { describe, expect, it } from 'vitest';
import { selectsByLabel } from '../../../../src-renderer/lib/utils/selects-by-label.js';

describe('selectsByLabel', () => {
  it('is true for filters whose photo set a label change can move', () => {
    for (const filter of [{ classId: 1 }, { unlabeled: true }, { misclassified: true, runId: 2 }]) {
      expect(selectsByLabel({ sort: 'name', descending: false, ...filter })).toBe(true);
    }
  });

  it('is false for filters by folder, day, place, name or prediction alone', () => {
    for (const filter of [{}, { folder: '/a' }, { dayFrom: '2024-05-01' }, { placeId: 3 }, { search: 'img' }, { predictedClassId: 1, runId: 2 }]) {
      expect(selectsByLabel({ sort: 'name', descending: false, ...filter })).toBe(false);
    }
  });
});
