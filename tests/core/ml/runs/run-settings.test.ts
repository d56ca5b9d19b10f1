// Every run keeps its full settings and says what changed since the run before it.
import { describe, expect, it } from 'vitest';
import { createJobContext } from '../../../../src-main/core/jobs/job-context.js';
import { getRun, listRuns } from '../../../../src-main/core/ml/runs/runs.js';
import { resolveTrainingConfig } from '../../../../src-main/core/ml/training/training-config.js';
import { trainRun } from '../../../../src-main/core/ml/runs/train-run.js';
import { makeTrainingLibrary } from '../../../helpers/training-library.js';

describe('run settings', () => {
  it('stores every setting of each run and lists the ones changed since the previous run', async () => {
    const t = await makeTrainingLibrary({ classes: ['a', 'b'], perClass: 12 });
    const first = resolveTrainingConfig({ epochs: 3, batchSize: 16 });
    await trainRun(t.library, first, createJobContext({}), t.deps);
    const second = resolveTrainingConfig({ epochs: 5 }, first);
    await trainRun(t.library, second, createJobContext({}), t.deps);

    const run1 = getRun(t.library.db, 1);
    expect(run1.previousRunId).toBeNull();
    // the first run is compared with the defaults
    expect(run1.changes.map((c) => `${c.key} ${c.from} → ${c.to}`)).toEqual(['epochs 20 → 3', 'batchSize 32 → 16']);

    const run2 = getRun(t.library.db, 2);
    expect(run2.previousRunId).toBe(1);
    expect(run2.changes).toEqual([{ key: 'epochs', label: 'Epochs', from: '3', to: '5' }]);
    expect(run2.settings.find((s) => s.key === 'batchSize')?.value).toBe('16 photos');
    expect(run2.settings.find((s) => s.key === 'augmentation.rotation')?.value).toBe('off');

    expect(listRuns(t.library.db).map((r) => [r.id, r.previousRunId, r.changes.length])).toEqual([
      [2, 1, 1],
      [1, null, 2],
    ]);
    t.library.close();
  });
});
