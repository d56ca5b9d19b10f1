import { describe, expect, it } from 'vitest';
import { createJobContext } from '../../../../src-main/core/jobs/job-context.js';
import { setLabels } from '../../../../src-main/core/library/labels.js';
import { confirmLabel, setExcluded } from '../../../../src-main/core/library/review-marks.js';
import { classThresholds, labelErrorScores } from '../../../../src-main/core/ml/runs/label-errors.js';
import { entropy, getReviewQueue } from '../../../../src-main/core/ml/runs/review-queues.js';
import { resolveTrainingConfig } from '../../../../src-main/core/ml/training/training-config.js';
import { trainRun } from '../../../../src-main/core/ml/runs/train-run.js';
import { makeTrainingLibrary } from '../../../helpers/training-library.js';

describe('labelErrorScores', () => {
  it('flags a photo below its class threshold while another class is above its own, ranked by margin', () => {
    const items = [
      { label: 0, probabilities: [0.9, 0.1] },
      { label: 0, probabilities: [0.8, 0.2] },
      { label: 0, probabilities: [0.1, 0.9] }, // suspect: margin 0.8
      { label: 1, probabilities: [0.2, 0.8] },
      { label: 1, probabilities: [0.1, 0.9] },
      { label: 1, probabilities: [0.7, 0.3] }, // suspect: margin 0.4
    ];
    // thresholds: class 0 = (0.9 + 0.8 + 0.1) / 3 = 0.6, class 1 = (0.8 + 0.9 + 0.3) / 3 = 2/3
    expect(classThresholds(items, 2).map((t) => Number(t.toFixed(6)))).toEqual([0.6, 0.666667]);
    const scores = labelErrorScores(items, 2);
    expect(scores.map((s) => (s === null ? null : Number(s.toFixed(6))))).toEqual([null, null, 0.8, null, null, 0.4]);
  });
});

describe('getReviewQueue', () => {
  it('puts flipped labels at the top of the label-error queue with k-fold out-of-fold probabilities', async () => {
    const t = await makeTrainingLibrary({
      classes: ['a', 'b'],
      perClass: 40,
      separation: 3,
      flip: (byClass) => [...byClass[0]!.slice(0, 3), ...byClass[1]!.slice(0, 3)],
    });
    const flipped = [...t.photosByClass[0]!.slice(0, 3), ...t.photosByClass[1]!.slice(0, 3)];
    const config = resolveTrainingConfig({ epochs: 6, batchSize: 16, learningRate: 1e-2, kfold: 4, mirror: false });
    const { runId } = await trainRun(t.library, config, createJobContext({}), t.deps);
    const queue = getReviewQueue(t.library.db, { queue: 'label-errors', limit: 10, offset: 0 });
    expect(queue.runId).toBe(runId);
    // Confident learning flags only photos another class claims confidently: precision first, then recall.
    expect(queue.total).toBeGreaterThanOrEqual(4);
    expect(queue.items.slice(0, 4).every((i) => flipped.includes(i.photoId))).toBe(true);
    // confident-learning suspects first, then other out-of-fold disagreements; each tier by margin
    const tiers = queue.items.map((i) => i.confident);
    expect(tiers).toEqual([...tiers].sort((a, b) => Number(b) - Number(a)));
    for (const confident of [true, false]) {
      const scores = queue.items.filter((i) => i.confident === confident).map((i) => i.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
    const all = getReviewQueue(t.library.db, { runId, queue: 'label-errors', limit: 1000, offset: 0 }).items;
    const disagreements = all.filter((i) => !i.confident);
    expect(disagreements.length).toBeGreaterThan(0);
    expect(disagreements.every((i) => i.source === 'out-of-fold' && i.predictedClassId !== i.labelClassId)).toBe(true);

    const misclassified = getReviewQueue(t.library.db, { runId, queue: 'misclassified', limit: 100, offset: 0 });
    expect(misclassified.items.every((i) => i.predictedClassId !== i.labelClassId && i.source === 'out-of-fold')).toBe(true);
    expect(misclassified.items.map((i) => i.score)).toEqual([...misclassified.items.map((i) => i.score)].sort((a, b) => b - a));

    // reviewed photos leave the queues: a fixed label, a confirmed label, an exclusion
    const [fixed, confirmed, excluded] = queue.items.map((i) => i.photoId);
    const otherClass = (id: number) => t.classIds.find((c) => c !== queue.items.find((i) => i.photoId === id)!.labelClassId)!;
    setLabels(t.library.db, { photoIds: [fixed!], classId: otherClass(fixed!), source: 'review' });
    confirmLabel(t.library.db, confirmed!);
    setExcluded(t.library.db, [excluded!], true);
    const after = getReviewQueue(t.library.db, { runId, queue: 'label-errors', limit: 100, offset: 0 });
    expect(after.total).toBe(queue.total - 3);
    expect(after.items.map((i) => i.photoId)).not.toContain(fixed);
    t.library.close();
  });

  it('orders unlabeled photos by entropy and pages stably', async () => {
    const t = await makeTrainingLibrary({ classes: ['a', 'b', 'c'], perClass: 10, unlabeled: 9, separation: 1 });
    const { runId } = await trainRun(t.library, resolveTrainingConfig({ epochs: 2, learningRate: 1e-2 }), createJobContext({}), t.deps);
    const all = getReviewQueue(t.library.db, { runId, queue: 'uncertain', limit: 100, offset: 0 });
    expect(all.total).toBe(9);
    for (const item of all.items) {
      expect(item.labelClassId).toBeNull();
      expect(item.score).toBeCloseTo(entropy(item.probabilities.map((c) => c.p)), 6);
      expect(item.probabilities.map((c) => [c.classId, c.name])).toEqual(t.classIds.map((id, i) => [id, ['a', 'b', 'c'][i]]));
    }
    expect(all.items.map((i) => i.score)).toEqual([...all.items.map((i) => i.score)].sort((a, b) => b - a));
    const pages = [0, 4, 8].flatMap((offset) => getReviewQueue(t.library.db, { runId, queue: 'uncertain', limit: 4, offset }).items);
    expect(pages.map((i) => i.photoId)).toEqual(all.items.map((i) => i.photoId));
    t.library.close();
  });

  it('says there is no run to review before the first training', async () => {
    const t = await makeTrainingLibrary({ classes: ['a', 'b'], perClass: 2 });
    expect(() => getReviewQueue(t.library.db, { queue: 'misclassified', limit: 5, offset: 0 })).toThrow(/No finished training run/);
    t.library.close();
  });
});
