// trainRun with the library's kept neighbour lists: the first run builds them, a retrain after label changes reuses
// them, and both store the outlier scores a run without them computes.
import { describe, expect, it } from 'vitest';
import { createJobContext } from '../../../../src-main/core/jobs/job-context.js';
import { setLabels } from '../../../../src-main/core/library/labels.js';
import { neighbourCache, type NeighbourCache } from '../../../../src-main/core/ml/neighbours/neighbour-cache-file.js';
import type { NeighbourLists } from '../../../../src-main/core/ml/neighbours/neighbour-lists.js';
import { trainRun } from '../../../../src-main/core/ml/runs/train-run.js';
import { listPredictions } from '../../../../src-main/core/ml/runs/runs.js';
import { resolveTrainingConfig } from '../../../../src-main/core/ml/training/training-config.js';
import { makeTrainingLibrary } from '../../../helpers/training-library.js';

const FAST = resolveTrainingConfig({ epochs: 2, batchSize: 16, learningRate: 1e-2, kfold: 0, mirror: false });

describe('trainRun with kept neighbour lists', () => {
  it('builds them on the first run, reuses them after a label change, and stores the scores computed without them', async () => {
    const t = await makeTrainingLibrary({ classes: ['alpaca', 'not alpaca'], perClass: 60, unlabeled: 12 });
    const real = neighbourCache(t.library.paths.root, 'synthetic|64|original');
    const saved: NeighbourLists[] = [];
    const cache: NeighbourCache = { load: () => real.load(), save: (lists) => (saved.push(lists), real.save(lists)) };
    const scores = async (withCache: boolean) => {
      const { runId } = await trainRun(t.library, FAST, createJobContext({}), withCache ? { ...t.deps, neighbourCache: cache } : t.deps);
      return new Map(listPredictions(t.library.db, runId).map((p) => [p.photoId, p.outlierScore]));
    };
    const expectSame = (a: Map<number, number | null | undefined>, b: Map<number, number | null | undefined>) => {
      expect(a.size).toBe(132);
      for (const [photoId, score] of a) expect(score).toBeCloseTo(b.get(photoId)!, 5);
    };

    expectSame(await scores(true), await scores(false));
    expect(saved).toHaveLength(1);
    expect(saved[0]!.ids).toHaveLength(132);

    setLabels(t.library.db, { photoIds: t.photosByClass[0]!.slice(0, 8), classId: t.classIds[1]!, source: 'cli' });
    setLabels(t.library.db, { photoIds: t.unlabeled.slice(0, 4), classId: t.classIds[0]!, source: 'cli' });
    expectSame(await scores(true), await scores(false));
    expect(saved).toHaveLength(1);
    t.library.close();
  });
});
