// Training on the real alpaca set with the real MobileNetV2 1.0 backbone and the default settings: planted label
// errors found in the out-of-fold label-error queue, and an exported model that plain @tensorflow/tfjs loads and
// that reproduces the run's probabilities.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobContext } from '../../../../src-main/core/jobs/job-context.js';
import { setLabels, undoLabels } from '../../../../src-main/core/library/labels.js';
import { openLibrary, type Library } from '../../../../src-main/core/library/library.js';
import { selectBackend, type BackendName } from '../../../../src-main/core/ml/backbone/backend.js';
import type { Embedder } from '../../../../src-main/core/ml/features/embed.js';
import { createEmbeddingPool } from '../../../../src-main/core/ml/features/embedding-pool.js';
import { exportRun } from '../../../../src-main/core/ml/runs/export.js';
import { imageSourceFor, preprocessPhoto } from '../../../../src-main/core/ml/features/preprocess.js';
import { createRandom, shuffleInPlace } from '../../../../src-main/core/ml/features/seeded-random.js';
import { getReviewQueue } from '../../../../src-main/core/ml/runs/review-queues.js';
import { listPredictions } from '../../../../src-main/core/ml/runs/runs.js';
import { cachedFeatureDeps } from '../../../../src-main/core/ml/runs/training-features.js';
import { DEFAULT_TRAINING_CONFIG, resolveTrainingConfig } from '../../../../src-main/core/ml/training/training-config.js';
import { trainRun, type TrainRunResult } from '../../../../src-main/core/ml/runs/train-run.js';
import { importFolder } from '../../../../src-main/core/photos/import-folder.js';
import { SHARED_DIR } from '../../../helpers/shared-dir.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

const ALPACA_DIR = path.join(SHARED_DIR, 'datasets', 'alpaca');
const WEIGHTS_DIR = path.join(SHARED_DIR, 'models', 'mobilenet_v2_1.0_imagenet_notop');
const PREDICT_SCRIPT = fileURLToPath(new URL('../../../fixtures/predict-exported-model.mjs', import.meta.url));
const FLIPPED_PER_CLASS = 5;
/**
 * Which photos get flipped changes the result a lot (some photos are hard for any model), so the test flips five
 * different sets, drawn with these seeds (all measured, none dropped).
 */
const FLIP_SEEDS = [1, 2, 3, 4, 5];

let library: Library;
let embedder: Embedder;
let backendName: BackendName;
let classIds: Map<string, number>;

function pickSeeded(className: string, seed: number): number[] {
  const ids = library.db
    .prepare(`SELECT p.id FROM photos p JOIN labels l ON l.photo_id = p.id WHERE l.class_id = ? AND p.dup_group IS NULL ORDER BY p.file_name`)
    .pluck()
    .all(classIds.get(className)) as number[];
  return shuffleInPlace(ids, createRandom(seed)).slice(0, FLIPPED_PER_CLASS);
}

beforeAll(async () => {
  backendName = (await selectBackend('wasm')).name;
  // The originals stay in ../shared (read-only); the library copy lives in a temp folder.
  library = openLibrary(makeTempDir('studio-alpaca-'));
  await importFolder(library, { root: ALPACA_DIR, labelsFromFolders: true }, createJobContext({}));
  classIds = new Map((library.db.prepare('SELECT name, id FROM classes').all() as Array<{ name: string; id: number }>).map((r) => [r.name, r.id]));
  // the default input size and geometry; features are embedded by the first run and cached for the others
  const { inputSize, resize } = DEFAULT_TRAINING_CONFIG;
  embedder = await createEmbeddingPool({ config: { alpha: 1, inputSize, resize, weightsDir: WEIGHTS_DIR }, backend: 'wasm', workers: 2 });
});

afterAll(async () => {
  await embedder?.close();
  library?.close();
});

function train(input: Parameters<typeof resolveTrainingConfig>[0]): Promise<TrainRunResult> {
  const config = resolveTrainingConfig(input);
  return trainRun(library, config, createJobContext({}), cachedFeatureDeps(library, embedder, config, backendName));
}

describe('training on the alpaca set with ten flipped labels', () => {
  it('lists on average at least 9 of ten flipped labels in the top 20 and 7 in the top 10 of the label-error queue, with default settings', { timeout: 600_000 }, async () => {
    const top20: number[] = [];
    const top10: number[] = [];
    for (const seed of FLIP_SEEDS) {
      const fromAlpaca = pickSeeded('alpaca', seed);
      const fromOther = pickSeeded('not_alpaca', seed);
      setLabels(library.db, { photoIds: fromAlpaca, classId: classIds.get('not_alpaca')!, source: 'cli' });
      setLabels(library.db, { photoIds: fromOther, classId: classIds.get('alpaca')!, source: 'cli' });
      const flipped = [...fromAlpaca, ...fromOther];
      expect(flipped).toHaveLength(2 * FLIPPED_PER_CLASS);

      const { runId, metrics } = await train({});
      expect(metrics.evaluation).toMatchObject({ on: 'out-of-fold', n: 327 });
      const queue = getReviewQueue(library.db, { runId, queue: 'label-errors', limit: 20, offset: 0 }).items;
      expect(queue.every((i) => i.source === 'out-of-fold')).toBe(true);
      const top = queue.map((i) => i.photoId);
      top20.push(top.filter((id) => flipped.includes(id)).length);
      top10.push(top.slice(0, 10).filter((id) => flipped.includes(id)).length);
      undoLabels(library.db);
      undoLabels(library.db);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.info(`label-error queue, flipped labels per flipped set: top 20 ${top20.join(', ')} (mean ${mean(top20)}); top 10 ${top10.join(', ')} (mean ${mean(top10)})`);
    expect(mean(top20), `top 20 per flipped set: ${top20.join(', ')}`).toBeGreaterThanOrEqual(9);
    expect(mean(top10), `top 10 per flipped set: ${top10.join(', ')}`).toBeGreaterThanOrEqual(7);
  });

  it('exports one model that plain @tensorflow/tfjs loads and that reproduces the run on 20 photos within 1e-4, mirror average included', { timeout: 600_000 }, async () => {
    // the single split: the stored probabilities are the saved head's, averaged over the photo and its mirror image
    const { runId } = await train({ seed: 2, kfold: 0 });
    const outDir = path.join(makeTempDir('studio-export-'), 'alpaca-model');
    const result = await exportRun(library, runId, outDir, { weightsDir: WEIGHTS_DIR });
    expect(result.files).toEqual(['README.txt', 'model.json', 'studio-model.json', 'weights.bin']);
    expect(fs.readFileSync(path.join(outDir, 'README.txt'), 'utf8')).toMatch(/mean of the photo's and its mirror image's/);

    const predictions = listPredictions(library.db, runId).slice(0, 20);
    const hashOf = library.db.prepare('SELECT content_hash FROM photos WHERE id = ?').pluck();
    const spec = embedder.spec;
    const pathOf = library.db.prepare('SELECT path FROM photos WHERE id = ?').pluck();
    const inputs = await Promise.all(
      predictions.map((p) => preprocessPhoto(imageSourceFor(library.paths, { contentHash: hashOf.get(p.photoId) as string, path: pathOf.get(p.photoId) as string }, spec), spec)),
    );
    const inputsFile = path.join(path.dirname(outDir), 'inputs.f32');
    const joined = new Float32Array(inputs.length * inputs[0]!.length);
    inputs.forEach((input, i) => joined.set(input, i * input.length));
    fs.writeFileSync(inputsFile, new Uint8Array(joined.buffer));

    /** Runs an exported folder in another process: max abs difference from the run's stored probabilities. */
    const maxDiffOf = async (dir: string) => {
      const { stdout } = await promisify(execFile)(process.execPath, [PREDICT_SCRIPT, dir, inputsFile, String(inputs.length)], { maxBuffer: 1 << 20 });
      const rows = JSON.parse(stdout) as number[][];
      expect(rows).toHaveLength(20);
      let maxDiff = 0;
      rows.forEach((row, i) => row.forEach((p, c) => (maxDiff = Math.max(maxDiff, Math.abs(p - predictions[i]!.probabilities[c]!)))));
      return maxDiff;
    };
    expect(await maxDiffOf(outDir)).toBeLessThan(1e-4);
    // negative control: the same run exported as a one-view model misses the run's probabilities on some photo
    const oneView = path.join(path.dirname(outDir), 'one-view');
    await exportRun(library, runId, oneView, { weightsDir: WEIGHTS_DIR, mirror: false });
    expect(await maxDiffOf(oneView)).toBeGreaterThan(1e-4);
  });
});
