// The ONNX Runtime embedding engine behind createEmbedder: same features as the tfjs path, the graph cached per
// weights/alpha/size, progress and cancellation, and training that still works when onnxruntime-node cannot load.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type MlBackend } from '../../../../../src-main/core/ml/backbone/backend.js';
import { createLocalEmbedder, type Embedder } from '../../../../../src-main/core/ml/features/embed.js';
import { embeddingEngineFor } from '../../../../../src-main/core/ml/features/embedding-engine.js';
import { createEmbedder } from '../../../../../src-main/core/ml/features/embedding-pool.js';
import { backboneOnnxFileName, ensureBackboneOnnx } from '../../../../../src-main/core/ml/features/onnx/backbone-onnx-file.js';
import { readWeightsFolder } from '../../../../../src-main/core/ml/backbone/weights.js';
import { SHARED_DIR } from '../../../../helpers/shared-dir.js';
import { copyAlpacaSubset } from '../../../../helpers/alpaca-subset.js';
import { makeTempDir } from '../../../../helpers/temp-dir.js';
import { alpacaPhotos, originalItems, WEIGHTS_DIR } from '../../embedding-fixtures.js';

const REPO = fileURLToPath(new URL('../../../../..', import.meta.url));
const BLOCK_ORT = path.join(REPO, 'tests/fixtures/block-onnxruntime.mjs');

let backend: MlBackend;
let cacheDir: string;
let embedder: Embedder;

beforeAll(async () => {
  backend = await selectBackend('wasm');
  cacheDir = path.join(makeTempDir('studio-onnx-'), 'onnx-backbones');
  // 'fill', not the default centre crop: the ONNX embedder must honour the requested geometry
  embedder = await createEmbedder(backend, { alpha: 0.35, inputSize: 160, weightsDir: WEIGHTS_DIR, resize: 'fill', onnxCacheDir: cacheDir });
});

afterAll(async () => {
  await embedder?.close();
});

describe('embedding with ONNX Runtime', () => {
  it('is the engine chosen for the wasm backend and says so', async () => {
    const info = await embeddingEngineFor(backend);
    expect(info.engine).toBe('onnxruntime');
    expect(info.detail).toMatch(/cpu execution provider, \d+ intra-op threads/);
    expect(info.unavailable).toEqual([]);
  });

  it('gives the features of the tfjs path within 1e-4, reporting progress after each batch of 32', async () => {
    const items = [...originalItems(alpacaPhotos(20)), ...originalItems(alpacaPhotos(20), 'flip')];
    const progress: number[] = [];
    const features = await embedder.embed(items, { onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([32, 40]);
    const local = await createLocalEmbedder(backend.tf, { alpha: 0.35, inputSize: 160, weightsDir: WEIGHTS_DIR, resize: 'fill' });
    const reference = await local.embed(items);
    await local.close();
    expect(embedder.backboneId).toBe(local.backboneId);
    expect(embedder.spec).toEqual(local.spec);
    expect(features.length).toBe(40 * 1280);
    let diff = 0;
    for (let i = 0; i < features.length; i++) diff = Math.max(diff, Math.abs(features[i]! - reference[i]!));
    expect(diff).toBeLessThanOrEqual(1e-4);
  });

  it('caches the graph in the library folder, keyed by weights checksum, alpha and input size', async () => {
    const { sha256 } = await readWeightsFolder(WEIGHTS_DIR);
    expect(fs.readdirSync(cacheDir)).toEqual([backboneOnnxFileName(0.35, 160, sha256)]);
    const again = await ensureBackboneOnnx(backend.tf, { alpha: 0.35, inputSize: 160, weightsDir: WEIGHTS_DIR, onnxCacheDir: cacheDir });
    expect(again.built).toBe(false);
    const bigger = await ensureBackboneOnnx(backend.tf, { alpha: 0.35, inputSize: 224, weightsDir: WEIGHTS_DIR, onnxCacheDir: cacheDir });
    expect(bigger.built).toBe(true);
    expect(fs.readdirSync(cacheDir).sort()).toEqual([backboneOnnxFileName(0.35, 160, sha256), backboneOnnxFileName(0.35, 224, sha256)].sort());
  });

  it('stops between batches when cancelled', async () => {
    const controller = new AbortController();
    const progress: number[] = [];
    const run = embedder.embed(originalItems(alpacaPhotos(70)), {
      signal: controller.signal,
      onProgress: (done) => {
        progress.push(done);
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(progress).toEqual([32]);
  });
});

describe('without onnxruntime-node', () => {
  it('trains from the command line with the wasm workers embedding, says why ONNX Runtime was not used, and still exports ONNX', async () => {
    const tmp = makeTempDir('studio-no-ort-');
    const photos = path.join(tmp, 'photos');
    copyAlpacaSubset(photos, 6);
    const library = path.join(tmp, 'library');
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', BLOCK_ORT, path.join(REPO, 'bin/studio.js'), ...args, '--library', library], { cwd: REPO });
    await run('import', photos, '--labels-from-folders');
    const weights = path.join(SHARED_DIR, 'models/mobilenet_v2_0.35_imagenet_notop');
    const { stdout, stderr } = await run('train', '--alpha', '0.35', '--input-size', '160', '--weights', weights, '--epochs', '2');
    expect(stderr).toMatch(/^backend: trains on wasm, embeds with wasm \(one worker thread per core\) — not used: .*onnxruntime \(onnxruntime-node failed to load: Cannot find package 'onnxruntime-node'/m);
    expect(stderr).toMatch(/features: 12\/12 100%/);
    expect(stdout).toMatch(/run 1 done on wasm/);
    expect(fs.existsSync(path.join(library, 'models', 'onnx-backbones'))).toBe(false);
    // building the ONNX file needs only the protobuf bindings, not the runtime
    const out = path.join(tmp, 'export');
    const exported = await run('export', '--run', '1', '--out', out, '--format', 'onnx', '--json');
    expect(JSON.parse(exported.stdout).files).toEqual(['README.txt', 'model.onnx', 'studio-model.json']);
    await expect(run('export', '--run', '1', '--out', path.join(tmp, 'other'), '--format', 'keras')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--format expects tfjs or onnx; received "keras"'),
    });
  });
});
