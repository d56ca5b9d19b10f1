import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createJobContext } from '../../../../src-main/core/jobs/job-context.js';
import { openLibrary } from '../../../../src-main/core/library/library.js';
import { predictHead } from '../../../../src-main/core/ml/training/head.js';
import { loadRunHead } from '../../../../src-main/core/ml/runs/run-model.js';
import { createRun, getRun, listPredictions, listRuns, markInterruptedRuns, startRun } from '../../../../src-main/core/ml/runs/runs.js';
import { getPhoto } from '../../../../src-main/core/library/photo-list.js';
import { DEFAULT_TRAINING_CONFIG, resolveTrainingConfig } from '../../../../src-main/core/ml/training/training-config.js';
import { createTrainingRun, executeTrainingRun, FULL_BATCH_MIN_PHOTOS, headRecipe, trainRun } from '../../../../src-main/core/ml/runs/train-run.js';
import { fitLinearHead } from '../../../../src-main/core/ml/training/linear-head-fit.js';
import { getRunConfig } from '../../../../src-main/core/ml/runs/runs.js';
import { makeTrainingLibrary } from '../../../helpers/training-library.js';

/** the single split (the article's protocol); k-fold is the default */
const FAST = resolveTrainingConfig({ epochs: 4, batchSize: 16, learningRate: 1e-2, kfold: 0, mirror: false });

describe('trainRun', () => {
  it('records a run from queued to done with epochs, the split, predictions for every photo and a saved model', async () => {
    const t = await makeTrainingLibrary({ classes: ['alpaca', 'not alpaca'], perClass: 30, unlabeled: 8 });
    const progress: string[] = [];
    const ctx = createJobContext({ onProgress: (p) => progress.push(`${p.stage} ${p.done}/${p.total}`) });
    const result = await trainRun(t.library, FAST, ctx, t.deps);

    const run = getRun(t.library.db, result.runId);
    expect(run.status).toBe('done');
    expect(run.classes).toEqual(['alpaca', 'not alpaca']);
    expect(run.epochs.map((e) => `${e.phase} ${e.epoch}`)).toEqual(['head 1', 'head 2', 'head 3', 'head 4']);
    expect(run.metrics!.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(run.metrics!.classIds).toEqual(t.classIds);
    expect(run.metrics!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(12); // 20% of 2 × 30
    const { evaluation } = run.metrics!;
    expect(evaluation).toMatchObject({ on: 'validation-split', n: 12 });
    expect(evaluation!.low).toBeLessThanOrEqual(run.metrics!.accuracy);
    expect(evaluation!.high).toBeGreaterThanOrEqual(run.metrics!.accuracy);
    expect(run.counts).toMatchObject({ labeled: 60, unlabeled: 8 });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    expect(run.config).toMatchObject({ seed: FAST.seed, epochs: 4, backboneId: 'synthetic', threshold: 0.5 });
    expect(progress).toContain('train 4/4');

    const predictions = listPredictions(t.library.db, result.runId);
    expect(predictions).toHaveLength(68);
    const bySource = (s: string) => predictions.filter((p) => p.source === s).length;
    expect([bySource('in-fold'), bySource('out-of-fold'), bySource('unlabeled')]).toEqual([48, 12, 8]);
    for (const p of predictions) expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    expect(fs.existsSync(path.join(result.modelDir, 'studio-model.json'))).toBe(true);
    const { head, meta } = await loadRunHead(result.modelDir);
    expect(meta.classes.map((c) => c.name)).toEqual(['alpaca', 'not alpaca']);
    const unlabeledFeatures = await t.deps.getFeatures(
      t.unlabeled.map((id) => ({ id, contentHash: '', path: '' })),
      'plain',
      createJobContext({}),
    );
    const again = predictHead(head, unlabeledFeatures);
    const stored = predictions.filter((p) => p.source === 'unlabeled').flatMap((p) => p.probabilities);
    stored.forEach((p, i) => expect(again[i]).toBeCloseTo(p, 6));
    head.dispose();
    t.library.close();
  });

  it('repeats the same split and metrics for the same seed', async () => {
    const t = await makeTrainingLibrary({ classes: ['a', 'b', 'c'], perClass: 12 });
    const a = await trainRun(t.library, FAST, createJobContext({}), t.deps);
    const b = await trainRun(t.library, FAST, createJobContext({}), t.deps);
    expect(b.metrics).toEqual(a.metrics);
    const splitOf = (runId: number) => t.library.db.prepare('SELECT photo_id, split FROM run_photos WHERE run_id = ? ORDER BY photo_id').all(runId);
    expect(splitOf(b.runId)).toEqual(splitOf(a.runId));
    t.library.close();
  });

  it('gives every labeled photo an out-of-fold prediction with k-fold and reports accuracy mean ± std', async () => {
    const t = await makeTrainingLibrary({ classes: ['a', 'b'], perClass: 15, unlabeled: 3 });
    const result = await trainRun(t.library, { ...FAST, kfold: 3, epochs: 3 }, createJobContext({}), t.deps);
    const { kfold } = result.metrics;
    expect(kfold).toMatchObject({ k: 3 });
    expect(kfold!.accuracies).toHaveLength(3);
    expect(kfold!.mean).toBeCloseTo(kfold!.accuracies.reduce((a, b) => a + b, 0) / 3, 12);
    const predictions = listPredictions(t.library.db, result.runId);
    expect(predictions.filter((p) => p.source === 'out-of-fold')).toHaveLength(30);
    expect(predictions.filter((p) => p.source === 'unlabeled')).toHaveLength(3);
    const folds = t.library.db.prepare('SELECT fold, COUNT(*) AS n FROM run_photos WHERE run_id = ? GROUP BY fold').all(result.runId);
    expect(folds).toEqual([{ fold: 0, n: 10 }, { fold: 1, n: 10 }, { fold: 2, n: 10 }]);
    expect(getRun(t.library.db, result.runId).metrics!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(30);
    expect(result.metrics.evaluation).toMatchObject({ on: 'out-of-fold', n: 30 });
    // a photo's prediction in listings says it is out-of-fold, never 'train'
    const labeledId = predictions.find((p) => p.source === 'out-of-fold')!.photoId;
    expect(getPhoto(t.library.db, labeledId, result.runId).prediction).toMatchObject({ split: 'out-of-fold' });
    t.library.close();
  });

  it('computes out-of-fold probabilities for every labeled photo with 5 folds when no setting says otherwise', async () => {
    const t = await makeTrainingLibrary({ classes: ['a', 'b'], perClass: 20, unlabeled: 4 });
    const config = resolveTrainingConfig({ epochs: 3 });
    expect([config.kfold, config.alpha, config.mirror]).toEqual([5, 1, true]);
    const result = await trainRun(t.library, config, createJobContext({}), t.deps);
    const predictions = listPredictions(t.library.db, result.runId);
    expect(predictions.filter((p) => p.source === 'out-of-fold')).toHaveLength(40);
    expect(predictions.filter((p) => p.source === 'in-fold')).toHaveLength(0);
    expect(result.metrics.kfold!.accuracies).toHaveLength(5);
    const { evaluation } = result.metrics;
    expect(evaluation).toMatchObject({ on: 'out-of-fold', n: 40 });
    expect(evaluation!.low).toBeLessThan(result.metrics.accuracy);
    expect(evaluation!.high).toBeLessThanOrEqual(1);
    // unlabeled photos: the mean of the final head on the photo and on its mirror image (flip test-time augmentation)
    const { head, meta } = await loadRunHead(result.modelDir);
    expect(meta.mirrorTta).toBe(true);
    const photos = t.unlabeled.map((id) => ({ id, contentHash: '', path: '' }));
    const plain = predictHead(head, await t.deps.getFeatures(photos, 'plain', createJobContext({})));
    const mirrored = predictHead(head, await t.deps.getFeatures(photos, 'mirror', createJobContext({})));
    const stored = predictions.filter((p) => p.source === 'unlabeled').flatMap((p) => p.probabilities);
    stored.forEach((p, i) => expect(p).toBeCloseTo((plain[i]! + mirrored[i]!) / 2, 6));
    expect(stored.some((p, i) => Math.abs(p - plain[i]!) > 1e-4)).toBe(true);
    head.dispose();
    t.library.close();
  });

  it('fits a k-fold run of 2,000 labeled photos full-batch, the final head with the fold heads, and records its curve', async () => {
    const perClass = FULL_BATCH_MIN_PHOTOS / 2;
    const t = await makeTrainingLibrary({ classes: ['a', 'b'], perClass, separation: 0.6 });
    const config = resolveTrainingConfig({ seed: 1 });
    const result = await trainRun(t.library, config, createJobContext({}), t.deps);
    const run = getRun(t.library.db, result.runId);
    expect(run.status).toBe('done');
    // the final head's solver iterations as the recipe's 20 curve points
    expect(run.epochs.map((e) => `${e.phase} ${e.epoch}`)).toEqual(Array.from({ length: config.epochs }, (_, i) => `head ${i + 1}`));
    expect(result.metrics.kfold!.accuracies).toHaveLength(5);
    expect(listPredictions(t.library.db, result.runId).filter((p) => p.source === 'out-of-fold')).toHaveLength(FULL_BATCH_MIN_PHOTOS);
    // the saved head is the one fitted alone on every labeled photo (a convex problem: one optimum)
    const labeled = t.photosByClass.flat().map((id) => ({ id, contentHash: '', path: '' }));
    const features = await t.deps.getFeatures(labeled, 'plain', createJobContext({}));
    const flipped = (await t.deps.getFeatures(labeled, 'mirror', createJobContext({}))).views[0]!;
    const labels = Int32Array.from(t.photosByClass.flatMap((ids, c) => ids.map(() => c)));
    const spec = { inputDim: features.dim, numClasses: 2, hiddenUnits: [], dropout: config.dropout };
    const { model: alone } = await fitLinearHead({ data: { features, labels, flipped }, head: spec, recipe: headRecipe(config), ctx: createJobContext({}) });
    const { head } = await loadRunHead(result.modelDir);
    const saved = predictHead(head, features);
    const expected = predictHead(alone, features);
    expect(Math.max(...Array.from(saved, (p, i) => Math.abs(p - expected[i]!)))).toBeLessThan(2e-3);
    head.dispose();
    alone.dispose();
    t.library.close();
  });

  it('marks the run cancelled when aborted mid-training and keeps only whole epochs', async () => {
    const t = await makeTrainingLibrary({ classes: ['a', 'b'], perClass: 60 });
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    const runId = createTrainingRun(t.library, { ...FAST, epochs: 50, batchSize: 4 }, t.deps);
    const run = executeTrainingRun(t.library, runId, getRunConfig(t.library.db, runId), createJobContext({ signal: controller.signal }), t.deps);
    // abort once the second epoch row is committed
    const poll = setInterval(() => {
      const n = t.library.db.prepare('SELECT COUNT(*) AS n FROM run_epochs WHERE run_id = ?').get(runId) as { n: number };
      if (n.n >= 2) controller.abort();
    }, 1);
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    clearInterval(poll);
    const detail = getRun(t.library.db, runId);
    expect(detail.status).toBe('cancelled');
    expect(detail.epochs.length).toBeGreaterThanOrEqual(2);
    expect(detail.epochs.length).toBeLessThan(50);
    expect(detail.epochs.map((e) => e.epoch)).toEqual(detail.epochs.map((_, i) => i + 1));
    expect(listPredictions(t.library.db, runId)).toHaveLength(0);
    expect(tf.memory().numTensors).toBe(before);
    t.library.close();
  });

  it('marks the run failed with the error when features cannot be computed', async () => {
    const t = await makeTrainingLibrary({ classes: ['a', 'b'], perClass: 5 });
    const deps = { ...t.deps, getFeatures: () => Promise.reject(new Error('weights folder missing')) };
    await expect(trainRun(t.library, FAST, createJobContext({}), deps)).rejects.toThrow('weights folder missing');
    expect(listRuns(t.library.db)[0]).toMatchObject({ status: 'failed', error: 'weights folder missing' });
    t.library.close();
  });

  it('fails the run with UNAVAILABLE when fine-tuning is asked for but the caller cannot fine-tune', async () => {
    const t = await makeTrainingLibrary({ classes: ['a', 'b'], perClass: 5 });
    const run = trainRun(t.library, { ...FAST, fineTuneLayers: 5, fineTuneEpochs: 2 }, createJobContext({}), t.deps);
    await expect(run).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(listRuns(t.library.db)[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/Fine-tuning needs the backbone weights/) });
    t.library.close();
  });

  it('refuses to train with fewer than two classes, saying what it received', async () => {
    const t = await makeTrainingLibrary({ classes: ['only'], perClass: 5 });
    expect(() => createTrainingRun(t.library, FAST, t.deps)).toThrow(/at least 2 classes: expected 2 or more, received 1 \(only\)/);
    t.library.close();
  });
});

describe('markInterruptedRuns', () => {
  it('turns runs left running by a crashed process into interrupted ones at the next open', async () => {
    const t = await makeTrainingLibrary({ classes: ['a', 'b'], perClass: 3 });
    const runId = createRun(t.library.db, { ...DEFAULT_TRAINING_CONFIG, classes: [], backboneId: 'x', preprocessing: null, threshold: 0.5 });
    startRun(t.library.db, runId, 'cpu');
    const root = t.library.paths.root;
    t.library.close(); // the process "dies" here
    const reopened = openLibrary(root);
    expect(markInterruptedRuns(reopened.db)).toBe(1);
    expect(getRun(reopened.db, runId)).toMatchObject({ status: 'interrupted' });
    expect(markInterruptedRuns(reopened.db)).toBe(0);
    reopened.close();
  });
});

describe('snapshotDataset', () => {
  it('leaves excluded photos out of training and predictions', async () => {
    const { setExcluded } = await import('../../../../src-main/core/library/review-marks.js');
    const t = await makeTrainingLibrary({ classes: ['a', 'b'], perClass: 6, unlabeled: 2 });
    setExcluded(t.library.db, [t.photosByClass[0]![0]!, t.unlabeled[0]!], true);
    const { runId } = await trainRun(t.library, FAST, createJobContext({}), t.deps);
    expect(getRun(t.library.db, runId).counts).toMatchObject({ labeled: 11, unlabeled: 1 });
    expect(listPredictions(t.library.db, runId)).toHaveLength(12);
    t.library.close();
  });
});
