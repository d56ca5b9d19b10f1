// `studio export --format onnx`: one model.onnx that ONNX Runtime runs in another process and that reproduces the
// run's stored probabilities, with the class names and preprocessing in its metadata. Also the tfjs export of a
// mirror-on run at the same small scale (the full-size tfjs check is in alpaca-training.test.ts).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobContext } from '../../../../src-main/core/jobs/job-context.js';
import { openLibrary, type Library } from '../../../../src-main/core/library/library.js';
import { selectBackend, type MlBackend } from '../../../../src-main/core/ml/backbone/backend.js';
import type { Embedder } from '../../../../src-main/core/ml/features/embed.js';
import { createEmbedder } from '../../../../src-main/core/ml/features/embedding-pool.js';
import { exportRun } from '../../../../src-main/core/ml/runs/export.js';
import { preprocessPhoto, preprocessingSpec } from '../../../../src-main/core/ml/features/preprocess.js';
import { listPredictions } from '../../../../src-main/core/ml/runs/runs.js';
import { resolveTrainingConfig } from '../../../../src-main/core/ml/training/training-config.js';
import { cachedFeatureDeps } from '../../../../src-main/core/ml/runs/training-features.js';
import { trainRun } from '../../../../src-main/core/ml/runs/train-run.js';
import { modelInputPath } from '../../../../src-main/core/photos/derived-files.js';
import { importFolder } from '../../../../src-main/core/photos/import-folder.js';
import { copyAlpacaSubset } from '../../../helpers/alpaca-subset.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { WEIGHTS_DIR } from '../embedding-fixtures.js';

const PREDICT_SCRIPT = fileURLToPath(new URL('../../../fixtures/predict-onnx-model.mjs', import.meta.url));
const PREDICT_TFJS_SCRIPT = fileURLToPath(new URL('../../../fixtures/predict-exported-model.mjs', import.meta.url));
const SIZE = 160;

let library: Library;
let backend: MlBackend;
let embedder: Embedder;

beforeAll(async () => {
  backend = await selectBackend('wasm');
  const tmp = makeTempDir('studio-onnx-export-');
  const photos = path.join(tmp, 'photos');
  copyAlpacaSubset(photos, 12);
  library = openLibrary(path.join(tmp, 'library'));
  await importFolder(library, { root: photos, labelsFromFolders: true }, createJobContext({}));
  embedder = await createEmbedder(backend, { alpha: 0.35, inputSize: SIZE, weightsDir: WEIGHTS_DIR, resize: 'fill' });
});

afterAll(async () => {
  await embedder?.close();
  library?.close();
});

/** Runs the exported model in a separate process on the run's photos; max abs difference from the stored probabilities. */
async function compareWithRun(runId: number, outDir: string, format: 'onnx' | 'tfjs' = 'onnx'): Promise<{ rows: number[][]; maxDiff: number }> {
  const predictions = listPredictions(library.db, runId);
  const hashOf = library.db.prepare('SELECT content_hash FROM photos WHERE id = ?').pluck();
  const spec = preprocessingSpec(SIZE, 'fill');
  const inputs = await Promise.all(
    predictions.map((p) => preprocessPhoto({ kind: 'model-input', path: modelInputPath(library.paths, hashOf.get(p.photoId) as string) }, spec)),
  );
  const inputsFile = path.join(path.dirname(outDir), 'inputs.f32');
  const joined = new Float32Array(inputs.length * inputs[0]!.length);
  inputs.forEach((input, i) => joined.set(input, i * input.length));
  fs.writeFileSync(inputsFile, new Uint8Array(joined.buffer));

  const args =
    format === 'onnx'
      ? [PREDICT_SCRIPT, path.join(outDir, 'model.onnx'), inputsFile, String(inputs.length), String(SIZE)]
      : [PREDICT_TFJS_SCRIPT, outDir, inputsFile, String(inputs.length)];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
  const rows = JSON.parse(stdout) as number[][];
  let maxDiff = 0;
  rows.forEach((row, i) => row.forEach((p, c) => (maxDiff = Math.max(maxDiff, Math.abs(p - predictions[i]!.probabilities[c]!)))));
  expect(rows).toHaveLength(predictions.length);
  return { rows, maxDiff };
}

describe('exporting a run as ONNX', () => {
  // The run's stored probabilities are the final model's only with one split (k-fold stores out-of-fold ones), hence
  // kfold 0. Mirror is on (the default): the app averages each photo's and its mirror image's probabilities.
  it('writes one model.onnx that ONNX Runtime in another process runs to the run\'s probabilities within 1e-4, mirror average included', async () => {
    const config = resolveTrainingConfig({ inputSize: SIZE, alpha: 0.35, resize: 'fill', mirror: true, kfold: 0, epochs: 5, seed: 3 });
    const { runId } = await trainRun(library, config, createJobContext({}), cachedFeatureDeps(library, embedder, config, backend.name));
    const outDir = path.join(makeTempDir('studio-onnx-out-'), 'alpaca-onnx');
    const result = await exportRun(library, runId, outDir, { weightsDir: WEIGHTS_DIR, format: 'onnx' });
    expect(result.files).toEqual(['README.txt', 'model.onnx', 'studio-model.json']);

    const model = onnxProto.onnx.ModelProto.decode(fs.readFileSync(path.join(outDir, 'model.onnx')));
    const metadata = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(JSON.parse(metadata.classes!)).toEqual(['alpaca', 'not_alpaca']);
    expect(JSON.parse(metadata.preprocessing!)).toMatchObject({ resize: { sizePx: SIZE }, scale: { divide: 127.5, subtract: 1 }, layout: 'NHWC-RGB' });
    expect(metadata.input).toMatch(/^image: float32 \[n, 160, 160, 3\], NHWC, RGB/);
    expect(metadata.mirrorAverage).toBe('true');
    expect(fs.readFileSync(path.join(outDir, 'README.txt'), 'utf8')).toMatch(/mean of the photo's and its mirror image's/);

    const { rows, maxDiff } = await compareWithRun(runId, outDir);
    expect(maxDiff).toBeLessThan(1e-4);
    // the run is not trivial: some photos are not predicted with certainty
    expect(Math.min(...rows.map((r) => Math.max(...r)))).toBeLessThan(0.99);

    // negative control: the same run exported as a one-view model misses the run's probabilities on some photo
    const oneView = path.join(makeTempDir('studio-onnx-out-'), 'one-view-onnx');
    await exportRun(library, runId, oneView, { weightsDir: WEIGHTS_DIR, format: 'onnx', mirror: false });
    expect((await compareWithRun(runId, oneView)).maxDiff).toBeGreaterThan(1e-4);
  });

  it('exports a fine-tuned run from its fine-tuned classifier, reproducing its probabilities within 1e-4', async () => {
    const config = resolveTrainingConfig({ inputSize: SIZE, alpha: 0.35, resize: 'fill', mirror: false, kfold: 0, epochs: 2, fineTuneLayers: 4, fineTuneEpochs: 1, seed: 5 });
    const backbone = { alpha: 0.35, inputSize: SIZE, weightsDir: WEIGHTS_DIR, resize: 'fill' as const };
    const { runId } = await trainRun(library, config, createJobContext({}), cachedFeatureDeps(library, embedder, config, backend.name, backbone));
    const outDir = path.join(makeTempDir('studio-onnx-out-'), 'fine-tuned-onnx');
    await exportRun(library, runId, outDir, { weightsDir: WEIGHTS_DIR, format: 'onnx' });
    expect(fs.readFileSync(path.join(outDir, 'README.txt'), 'utf8')).toMatch(/its last layers fine-tuned with the head/);
    const { maxDiff } = await compareWithRun(runId, outDir);
    expect(maxDiff).toBeLessThan(1e-4);
  });
});

describe('exporting a mirror-on run as tfjs', () => {
  it('writes a model that plain @tensorflow/tfjs in another process runs to the run\'s probabilities within 1e-4; the one-view export misses them', { timeout: 600_000 }, async () => {
    const config = resolveTrainingConfig({ inputSize: SIZE, alpha: 0.35, resize: 'fill', mirror: true, kfold: 0, epochs: 5, seed: 3 });
    const { runId } = await trainRun(library, config, createJobContext({}), cachedFeatureDeps(library, embedder, config, backend.name));
    const outDir = path.join(makeTempDir('studio-tfjs-out-'), 'alpaca-tfjs');
    expect((await exportRun(library, runId, outDir, { weightsDir: WEIGHTS_DIR })).files).toEqual(['README.txt', 'model.json', 'studio-model.json', 'weights.bin']);
    expect(JSON.parse(fs.readFileSync(path.join(outDir, 'studio-model.json'), 'utf8'))).toMatchObject({ mirrorTta: true });
    expect((await compareWithRun(runId, outDir, 'tfjs')).maxDiff).toBeLessThan(1e-4);
    const oneView = path.join(makeTempDir('studio-tfjs-out-'), 'one-view');
    await exportRun(library, runId, oneView, { weightsDir: WEIGHTS_DIR, mirror: false });
    expect((await compareWithRun(runId, oneView, 'tfjs')).maxDiff).toBeGreaterThan(1e-4);
  });
});
