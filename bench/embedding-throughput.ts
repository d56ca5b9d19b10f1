// Embedding throughput at 160 px on ~64 alpaca photos: the naive loop (layers model, one photo at a time, decoding
// each original) against the pipeline (folded-BN graph, batches, model-input cache, one worker per core).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '@tensorflow/tfjs';
import { libraryPaths } from '../src-main/core/library/library.js';
import { loadBackbone, loadFusedBackbone } from '../src-main/core/ml/backbone/backbone.js';
import { selectBackend } from '../src-main/core/ml/backbone/backend.js';
import { createLocalEmbedder, type EmbedItem } from '../src-main/core/ml/features/embed.js';
import { createEmbeddingPool } from '../src-main/core/ml/features/embedding-pool.js';
import { preprocessingSpec, preprocessPhoto, toBatchTensor } from '../src-main/core/ml/features/preprocess.js';
import { deriveImages } from '../src-main/core/photos/derive-images.js';
import { modelInputPath } from '../src-main/core/photos/derived-files.js';
import { describeMachine, formatBenchResult, type BenchResult } from './bench-result.js';

const SHARED_DIR = path.resolve(fileURLToPath(new URL('../', import.meta.url)), '../shared');
const WEIGHTS_DIR = path.join(SHARED_DIR, 'models/mobilenet_v2_0.35_imagenet_notop');
const PHOTO_COUNT = 64;
const INPUT_SIZE_PX = 160;
const BATCH = 32;

function perSecond(count: number, startedAt: number): number {
  return count / ((performance.now() - startedAt) / 1000);
}

export async function run(): Promise<BenchResult> {
  const { name: backendName, tf } = await selectBackend('wasm');
  const alpacaDir = path.join(SHARED_DIR, 'datasets/alpaca/alpaca');
  const files = fs.readdirSync(alpacaDir).sort().slice(0, PHOTO_COUNT).map((f) => path.join(alpacaDir, f));
  const config = { alpha: 0.35, inputSize: INPUT_SIZE_PX, weightsDir: WEIGHTS_DIR };
  const spec = preprocessingSpec(INPUT_SIZE_PX);
  const originals: EmbedItem[] = files.map((file) => ({ source: { kind: 'original', path: file }, view: 'original' }));

  // 1. Naive: the layers model as loaded, one photo at a time, decoding each original.
  const loaded = await loadBackbone(tf, config);
  let t = performance.now();
  for (const item of originals) {
    const input = await preprocessPhoto(item.source, spec);
    const pooled = tf.tidy(() => tf.mean(loaded.model.predict(toBatchTensor(tf, [input], spec)) as Tensor, [1, 2]));
    await pooled.data();
    pooled.dispose();
  }
  const naive = perSecond(files.length, t);

  // Forward pass alone, batch 32: layers model vs folded graph.
  const local = await createLocalEmbedder(tf, config, { batchSize: BATCH });
  const inputs = await Promise.all(originals.slice(0, BATCH).map((item) => preprocessPhoto(item.source, spec)));
  const batch = toBatchTensor(tf, inputs, spec);
  tf.dispose(loaded.model.predict(batch) as Tensor);
  t = performance.now();
  tf.dispose(loaded.model.predict(batch) as Tensor);
  const forwardLayers = perSecond(BATCH, t);
  loaded.model.dispose();
  batch.dispose();

  // 2. Import once: the model-input cache (decode + 224 px PNG) as import writes it.
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-embedding-'));
  try {
    const paths = libraryPaths(temp);
    t = performance.now();
    await Promise.all(files.map((file, i) => deriveImages(file, `bench${i}`, paths)));
    const derive = perSecond(files.length, t);
    const cached: EmbedItem[] = files.map((_, i) => ({ source: { kind: 'model-input', path: modelInputPath(paths, `bench${i}`) }, view: 'original' }));

    // 3. Folded graph in this thread, batches of 32.
    const cachedInputs = await Promise.all(cached.slice(0, BATCH).map((item) => preprocessPhoto(item.source, spec)));
    const { fused } = await loadFusedBackbone(tf, config);
    const fusedBatch = toBatchTensor(tf, cachedInputs, spec);
    tf.dispose(fused.embed(fusedBatch));
    t = performance.now();
    tf.dispose(fused.embed(fusedBatch));
    const forwardFused = perSecond(BATCH, t);
    fusedBatch.dispose();
    fused.dispose();

    await local.embed(cached.slice(0, BATCH)); // warm-up: first inference allocates and initialises kernels
    t = performance.now();
    await local.embed(originals);
    const localOriginals = perSecond(files.length, t);
    t = performance.now();
    await local.embed(cached);
    const localCached = perSecond(files.length, t);
    await local.close();

    // 4. Worker pool, one per core, each with its own wasm backend.
    const workers = os.availableParallelism();
    t = performance.now();
    const pool = await createEmbeddingPool({ config, backend: 'wasm', workers, batchSize: 16 });
    const poolStart = (performance.now() - t) / 1000;
    try {
      await pool.embed(cached.slice(0, 16 * workers)); // warm-up: one batch per worker
      t = performance.now();
      await pool.embed(cached);
      const poolCached = perSecond(files.length, t);
      t = performance.now();
      await pool.embed(originals);
      const poolOriginals = perSecond(files.length, t);
      return {
        name: 'Embedding (MobileNetV2 0.35 @160, pooled features)',
        rows: [
          { label: 'naive: layers model, 1 photo at a time, from originals', value: naive, unit: 'img/s' },
          { label: 'forward only, batch 32: layers model', value: forwardLayers, unit: 'img/s' },
          { label: 'forward only, batch 32: folded BN + fused ReLU6', value: forwardFused, unit: 'img/s' },
          { label: 'import-time model-input cache (decode + 224 PNG), 64 in flight', value: derive, unit: 'img/s' },
          { label: 'pipeline, 1 thread, from originals', value: localOriginals, unit: 'img/s' },
          { label: 'pipeline, 1 thread, from model-input cache', value: localCached, unit: 'img/s' },
          { label: `pipeline, ${workers} workers, from model-input cache`, value: poolCached, unit: 'img/s' },
          { label: `pipeline, ${workers} workers, from originals`, value: poolOriginals, unit: 'img/s' },
          { label: 'pool start (workers load tfjs + weights)', value: poolStart, unit: 's' },
          { label: 'speed-up, pool from cache vs naive', value: poolCached / naive, unit: '×' },
        ],
        notes: `${files.length} alpaca JPEGs (~1024 px), backend ${backendName}, load average ${os.loadavg()[0]!.toFixed(1)} at the end. ${describeMachine()}`,
      };
    } finally {
      await pool.close();
    }
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatBenchResult(await run()));
}
