// The outlier scores' k-NN at library scale: every photo's 5 nearest labeled photos among 20,000 (1280 floats, cosine).
// Compared in the same run: the previous path (tfjs matMul + topk on the wasm backend, measured on 1,024 query rows
// and scaled to all), the same exact product on ONNX Runtime, the kept neighbour lists built once, reused after a
// label change, and updated after photos are added and removed. Wall and CPU seconds (CPU: every thread's).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../src-main/core/ml/backbone/backend.js';
import { neighbourCache } from '../src-main/core/ml/neighbours/neighbour-cache-file.js';
import { normalizeRows, similarityTopK } from '../src-main/core/ml/neighbours/similarity-top-k.js';
import { nearestLabeled, OUTLIER_NEIGHBOURS } from '../src-main/core/ml/runs/outlier-scores.js';
import { syntheticFeatures } from '../tests/helpers/synthetic-features.js';
import { describeMachine, formatBenchResult, type BenchResult } from './bench-result.js';

const PHOTOS = Number(process.env.STUDIO_BENCH_PHOTOS ?? 20_000);
const DIMS = 1280;
const SAMPLE = 1024;

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const used = process.cpuUsage(cpu);
  return { result, wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
}

export async function run(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-outlier-neighbours-'));
  const backend = await selectBackend('wasm');
  try {
    const classes = Array.from({ length: PHOTOS + 200 }, (_, i) => (i % 20 < 9 ? 0 : 1));
    const all = syntheticFeatures({ labels: classes, dim: DIMS, numClasses: 2, separation: 0.12, seed: 7 }).views[0]!;
    const features = all.subarray(0, PHOTOS * DIMS);
    const labels = Int32Array.from(classes.slice(0, PHOTOS));
    const ids = Int32Array.from({ length: PHOTOS }, (_, i) => i + 1);
    const input = { features, dim: DIMS, labels, numClasses: 2 };
    const k = OUTLIER_NEIGHBOURS + 1;

    const normalized = normalizeRows(features, DIMS);
    const sample = normalized.subarray(0, SAMPLE * DIMS);
    const tfjs = await timed(() => similarityTopK(sample, normalized, DIMS, k, 'tfjs'));
    const scale = PHOTOS / SAMPLE;
    const onnx = await timed(() => nearestLabeled(input, { engine: 'onnxruntime' }));

    const cache = neighbourCache(dir, 'bench');
    const source = { ids, cache };
    const build = await timed(() => nearestLabeled(input, { source }));
    const relabeled = { ...input, labels: Int32Array.from(labels, (label, i) => (i % 10 === 0 ? 1 - label : label)) };
    const reuse = await timed(() => nearestLabeled(relabeled, { source }));
    // 200 photos added, 100 removed
    const grown = Int32Array.from({ length: PHOTOS + 100 }, (_, i) => i + 101);
    const grownInput = { features: all.subarray(100 * DIMS), dim: DIMS, labels: Int32Array.from(classes.slice(100)), numClasses: 2 };
    const update = await timed(() => nearestLabeled(grownInput, { source: { ids: grown, cache } }));
    const fileBytes = fs.statSync(path.join(dir, 'neighbours', fs.readdirSync(path.join(dir, 'neighbours'))[0]!)).size;

    return {
      name: `Outlier neighbours (${PHOTOS.toLocaleString('en')} labeled photos, k = ${OUTLIER_NEIGHBOURS}, ${DIMS} floats)`,
      rows: [
        { label: `previous: tfjs ${backend.name} matMul + topk, scaled from ${SAMPLE} rows, wall`, value: tfjs.wall * scale, unit: 's' },
        { label: '  CPU', value: tfjs.cpu * scale, unit: 's' },
        { label: `exact product on ${onnx.result.exactEngine} (Gemm + TopK), wall`, value: onnx.wall, unit: 's' },
        { label: '  CPU', value: onnx.cpu, unit: 's' },
        { label: 'kept lists, first build (32 nearest of every photo), wall', value: build.wall, unit: 's' },
        { label: '  CPU', value: build.cpu, unit: 's' },
        { label: 'kept lists, retrain after 10 % of labels changed, wall', value: reuse.wall, unit: 's' },
        { label: '  CPU', value: reuse.cpu, unit: 's' },
        { label: '  rows whose list was computed again', value: reuse.result.lists?.computed ?? NaN, unit: '' },
        { label: '  rows computed against the labeled photos (list too short)', value: reuse.result.exactRows, unit: '' },
        { label: 'kept lists, after 200 photos added and 100 removed, wall', value: update.wall, unit: 's' },
        { label: '  CPU', value: update.cpu, unit: 's' },
        { label: 'ONNX Runtime over tfjs, CPU', value: (tfjs.cpu * scale) / onnx.cpu, unit: '×' },
        { label: 'kept lists (label change) over tfjs, CPU', value: (tfjs.cpu * scale) / reuse.cpu, unit: '×' },
        { label: 'kept lists file size', value: fileBytes / 2 ** 20, unit: 'MiB' },
      ],
      notes: `engine of the build: ${build.result.lists?.engine ?? 'none'}; load average ${os.loadavg()[0]!.toFixed(1)} at the end; ${describeMachine()}`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatBenchResult(await run()));
}
