// Embedding at 224 px from the import's model-input cache, alpha 1.0 and 0.35: the app's own path with ONNX Runtime
// (createEmbedder) vs the app's tfjs-wasm worker pool vs a plain onnxruntime-node loop over the same files and graph.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { libraryPaths } from '../src-main/core/library/library.js';
import type { BackboneConfig } from '../src-main/core/ml/backbone/backbone.js';
import { selectBackend } from '../src-main/core/ml/backbone/backend.js';
import type { EmbedItem } from '../src-main/core/ml/features/embed.js';
import { createEmbedder, createEmbeddingPool } from '../src-main/core/ml/features/embedding-pool.js';
import { embeddingEngineFor } from '../src-main/core/ml/features/embedding-engine.js';
import { ensureBackboneOnnx } from '../src-main/core/ml/features/onnx/backbone-onnx-file.js';
import { intraOpThreads, loadOnnxRuntime } from '../src-main/core/ml/features/onnx/onnx-runtime.js';
import { deriveImages } from '../src-main/core/photos/derive-images.js';
import { modelInputPath } from '../src-main/core/photos/derived-files.js';
import { describeMachine, formatBenchResult, type BenchResult, type BenchRow } from './bench-result.js';

const SHARED_DIR = path.resolve(fileURLToPath(new URL('../', import.meta.url)), '../shared');
const PHOTO_COUNT = 128;
const SIZE = 224;
const BATCH = 32;
/** Each timed loop runs this many times, alternating; the best is kept (the machine may be shared). */
const ROUNDS = 2;

function alpacaFiles(count: number): string[] {
  const dirs = ['alpaca', 'not_alpaca'].map((d) => path.join(SHARED_DIR, 'datasets/alpaca', d));
  const lists = dirs.map((dir) => fs.readdirSync(dir).sort().map((f) => path.join(dir, f)));
  return Array.from({ length: count }, (_, i) => lists[i % 2]![Math.floor(i / 2)]!);
}

async function rate(count: number, work: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await work();
  return count / ((performance.now() - t) / 1000);
}

/** The baseline: sharp decodes the cached JPEGs to 224 px (next batch while ORT runs this one), x / 127.5 − 1, session.run. */
async function plainOrtLoop(ort: NonNullable<Awaited<ReturnType<typeof loadOnnxRuntime>> & { ok: true }>['ort'], modelFile: string, files: readonly string[]) {
  const session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: intraOpThreads(), interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const perImage = SIZE * SIZE * 3;
  const decode = async (start: number) => {
    const batch = files.slice(start, start + BATCH);
    const pixels = new Float32Array(batch.length * perImage);
    await Promise.all(
      batch.map(async (file, i) => {
        // the cache is the 329 px working image: stretched to the model size as the app does for 'fill'
        const raw = await sharp(file).removeAlpha().resize(SIZE, SIZE, { fit: 'fill', kernel: 'linear' }).raw().toBuffer();
        for (let j = 0; j < perImage; j++) pixels[i * perImage + j] = raw[j]! / 127.5 - 1;
      }),
    );
    return pixels;
  };
  const runAll = async () => {
    let next = decode(0);
    for (let start = 0; start < files.length; start += BATCH) {
      const pixels = await next;
      if (start + BATCH < files.length) next = decode(start + BATCH);
      const out = await session.run({ image: new ort.Tensor('float32', pixels, [pixels.length / perImage, SIZE, SIZE, 3]) });
      for (const t of Object.values(out)) t.dispose();
    }
  };
  const forwardOnly = async () => {
    const pixels = await decode(0);
    const t = performance.now();
    const out = await session.run({ image: new ort.Tensor('float32', pixels, [BATCH, SIZE, SIZE, 3]) });
    for (const o of Object.values(out)) o.dispose();
    return BATCH / ((performance.now() - t) / 1000);
  };
  return { runAll, forwardOnly, close: () => session.release() };
}

export async function run(): Promise<BenchResult> {
  const backend = await selectBackend('wasm');
  const runtime = await loadOnnxRuntime();
  if (!runtime.ok) throw new Error(`onnx-embedding bench needs onnxruntime-node: ${runtime.why}`);
  const engine = await embeddingEngineFor(backend);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-onnx-'));
  const rows: BenchRow[] = [];
  try {
    const paths = libraryPaths(temp);
    const sources = alpacaFiles(PHOTO_COUNT);
    await Promise.all(sources.map((file, i) => deriveImages(file, `bench${i}`, paths)));
    const cacheFiles = sources.map((_, i) => modelInputPath(paths, `bench${i}`));
    const items: EmbedItem[] = cacheFiles.map((file) => ({ source: { kind: 'model-input', path: file }, view: 'original' }));

    for (const [alpha, folder] of [
      [1.0, 'mobilenet_v2_1.0_imagenet_notop'],
      [0.35, 'mobilenet_v2_0.35_imagenet_notop'],
    ] as const) {
      const config: BackboneConfig = { alpha, inputSize: SIZE, resize: 'fill', weightsDir: path.join(SHARED_DIR, 'models', folder), onnxCacheDir: path.join(temp, 'onnx') };
      const graph = await ensureBackboneOnnx(backend.tf, config);
      const app = await createEmbedder(backend, config);
      const plain = await plainOrtLoop(runtime.ort, graph.model as string, cacheFiles);
      await app.embed(items); // warm-up
      await plain.runAll();
      const rssAfterWarmUp = process.memoryUsage().rss;
      let appRate = 0;
      let plainRate = 0;
      for (let r = 0; r < ROUNDS; r++) {
        appRate = Math.max(appRate, await rate(items.length, () => app.embed(items)));
        plainRate = Math.max(plainRate, await rate(items.length, () => plain.runAll()));
      }
      const rssGrowth = (process.memoryUsage().rss - rssAfterWarmUp) / 2 ** 20;
      const forward = Math.max(await plain.forwardOnly(), await plain.forwardOnly());
      await app.close();
      await plain.close();

      const workers = os.availableParallelism();
      const pool = await createEmbeddingPool({ config, backend: 'wasm', workers });
      await pool.embed(items.slice(0, 16 * workers)); // warm-up: one batch per worker
      const poolRate = await rate(items.length, () => pool.embed(items));
      await pool.close();

      rows.push(
        { label: `alpha ${alpha}: app path, ONNX Runtime (createEmbedder)`, value: appRate, unit: 'img/s' },
        { label: `alpha ${alpha}: plain onnxruntime-node loop, same files and graph`, value: plainRate, unit: 'img/s' },
        { label: `alpha ${alpha}: app path / plain loop`, value: appRate / plainRate, unit: '×' },
        { label: `alpha ${alpha}: app path, tfjs-wasm, ${workers} workers`, value: poolRate, unit: 'img/s' },
        { label: `alpha ${alpha}: ONNX app path / tfjs-wasm path`, value: appRate / poolRate, unit: '×' },
        { label: `alpha ${alpha}: forward pass only, ONNX Runtime, batch ${BATCH}`, value: forward, unit: 'img/s' },
        { label: `alpha ${alpha}: RSS change over ${ROUNDS * PHOTO_COUNT} more photos after warm-up`, value: rssGrowth, unit: 'MiB' },
      );
    }
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  return {
    name: `Embedding with ONNX Runtime (MobileNetV2 @${SIZE}, ${PHOTO_COUNT} photos from the model-input cache)`,
    rows,
    notes: `engine ${engine.engine} (${engine.detail}); best of ${ROUNDS} alternating rounds; load average ${os.loadavg()[0]!.toFixed(1)} at the end. ${describeMachine()}`,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatBenchResult(await run()));
}
