// Fine-tuning under k-fold: every fold is fine-tuned and predicts its held-out photos, so a fine-tuned run reports an
// out-of-fold result beside the frozen head's; progress counts every fold's epochs and cancelling stops inside a fold.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobContext, type JobContext } from '../../../../src-main/core/jobs/job-context.js';
import { openLibrary, type Library } from '../../../../src-main/core/library/library.js';
import { selectBackend, type MlBackend } from '../../../../src-main/core/ml/backbone/backend.js';
import type { Embedder } from '../../../../src-main/core/ml/features/embed.js';
import { createEmbedder } from '../../../../src-main/core/ml/features/embedding-pool.js';
import { getRun, listPredictions } from '../../../../src-main/core/ml/runs/runs.js';
import { cachedFeatureDeps } from '../../../../src-main/core/ml/runs/training-features.js';
import { trainRun } from '../../../../src-main/core/ml/runs/train-run.js';
import { resolveTrainingConfig } from '../../../../src-main/core/ml/training/training-config.js';
import { importFolder } from '../../../../src-main/core/photos/import-folder.js';
import { copyAlpacaSubset } from '../../../helpers/alpaca-subset.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { WEIGHTS_DIR } from '../embedding-fixtures.js';

const SIZE = 96;
const PER_CLASS = 6;
const K = 3;
const EPOCHS = 2;

let library: Library;
let backend: MlBackend;
let embedder: Embedder;
const backbone = { alpha: 0.35, inputSize: SIZE, weightsDir: WEIGHTS_DIR, resize: 'fill' as const };
const config = resolveTrainingConfig({ inputSize: SIZE, alpha: 0.35, resize: 'fill', kfold: K, epochs: 3, fineTuneLayers: 4, fineTuneEpochs: EPOCHS, seed: 4 });

beforeAll(async () => {
  backend = await selectBackend('wasm');
  const tmp = makeTempDir('studio-fine-tune-folds-');
  copyAlpacaSubset(path.join(tmp, 'photos'), PER_CLASS);
  library = openLibrary(path.join(tmp, 'library'));
  await importFolder(library, { root: path.join(tmp, 'photos'), labelsFromFolders: true }, createJobContext({}));
  embedder = await createEmbedder(backend, backbone);
});

afterAll(async () => {
  await embedder?.close();
  library?.close();
});

describe('fine-tuning with k-fold', () => {
  it('reports the fine-tuned out-of-fold accuracy beside the frozen head\'s, with n and interval, counting every fold\'s epochs', { timeout: 600_000 }, async () => {
    const fineTune: Array<{ done: number; total: number }> = [];
    const ctx: JobContext = { signal: new AbortController().signal, report: (u) => u.stage === 'fine-tune' && fineTune.push({ done: u.done, total: u.total }) };
    const { runId, metrics } = await trainRun(library, config, ctx, cachedFeatureDeps(library, embedder, config, backend.name, backbone));
    const n = 2 * PER_CLASS;
    expect(metrics.evaluation).toMatchObject({ on: 'out-of-fold', n });
    expect(metrics.kfold?.accuracies).toHaveLength(K);
    expect(metrics.frozenHead?.evaluation).toMatchObject({ on: 'out-of-fold', n });
    expect(metrics.frozenHead?.kfold?.accuracies).toHaveLength(K);
    for (const m of [metrics, metrics.frozenHead!]) {
      expect(m.evaluation!.low).toBeLessThanOrEqual(m.accuracy);
      expect(m.evaluation!.high).toBeGreaterThanOrEqual(m.accuracy);
    }
    // stored, shown by runs.get
    expect(getRun(library.db, runId).metrics?.frozenHead?.accuracy).toBe(metrics.frozenHead?.accuracy);
    // every labeled photo's stored prediction comes from a fold model that never saw it
    const predictions = listPredictions(library.db, runId);
    expect(predictions.filter((p) => p.source === 'out-of-fold')).toHaveLength(n);
    // K folds and the final model, EPOCHS each, in one rising count
    const total = (K + 1) * EPOCHS;
    expect(fineTune.every((u) => u.total === total)).toBe(true);
    expect(fineTune.map((u) => u.done)).toEqual([...fineTune.map((u) => u.done)].sort((a, b) => a - b));
    expect(fineTune.at(-1)?.done).toBe(total);
  });

  it('cancels inside a fold\'s fine-tuning and marks the run cancelled', { timeout: 600_000 }, async () => {
    const controller = new AbortController();
    const ctx: JobContext = {
      signal: controller.signal,
      report: (u) => {
        if (u.stage === 'fine-tune' && u.done === 1) controller.abort();
      },
    };
    const run = trainRun(library, config, ctx, cachedFeatureDeps(library, embedder, config, backend.name, backbone));
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    const runs = library.db.prepare('SELECT status FROM runs ORDER BY id DESC LIMIT 1').pluck().all();
    expect(runs).toEqual(['cancelled']);
  });
});
