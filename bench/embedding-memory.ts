// Memory while the feature cache embeds a 5,000-photo library (issue 11: "memory flat over 5,000 photos"): RSS and
// JS heap sampled at every progress report of ensureFeatures, the mean of the first quarter against the last. The library
// is the alpaca import with 5,000 photo rows of distinct content hashes whose model inputs are hard links to the
// alpaca ones (real pixels, distinct feature-cache keys, no 5,000-photo import to wait for).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJobContext } from '../src-main/core/jobs/job-context.js';
import { openLibrary } from '../src-main/core/library/library.js';
import { selectBackend } from '../src-main/core/ml/backbone/backend.js';
import { createEmbedder } from '../src-main/core/ml/features/embedding-pool.js';
import { ensureFeatures } from '../src-main/core/ml/features/feature-cache.js';
import { modelInputPath } from '../src-main/core/photos/derived-files.js';
import { importFolder } from '../src-main/core/photos/import-folder.js';
import { describeMachine, formatBenchResult, type BenchResult } from './bench-result.js';

const SHARED_DIR = path.resolve(fileURLToPath(new URL('../', import.meta.url)), '../shared');
const PHOTOS = Number(process.env.STUDIO_BENCH_PHOTOS ?? 5000);
const WEIGHTS_DIR = path.join(SHARED_DIR, 'models/mobilenet_v2_0.35_imagenet_notop');
const MiB = 2 ** 20;

interface Sample {
  done: number;
  rss: number;
  heap: number;
  external: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export async function run(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-embed-memory-'));
  const library = openLibrary(dir);
  const backend = await selectBackend('wasm');
  const embedder = await createEmbedder(backend, { alpha: 0.35, inputSize: 224, resize: 'center-crop', weightsDir: WEIGHTS_DIR });
  try {
    await importFolder(library, { root: path.join(SHARED_DIR, 'datasets/alpaca'), labelsFromFolders: false }, createJobContext({}));
    const alpaca = library.db.prepare('SELECT content_hash AS hash, path FROM photos ORDER BY id').all() as Array<{ hash: string; path: string }>;
    const insert = library.db.prepare(
      `INSERT INTO photos (path, folder, file_name, content_hash, size_bytes, mtime_ms, imported_at, updated_at) VALUES (?, ?, ?, ?, 1, 0, 'now', 'now')`,
    );
    const photos: Array<{ id: number; contentHash: string }> = [];
    library.db.transaction(() => {
      for (let i = 0; i < PHOTOS; i++) {
        const source = alpaca[i % alpaca.length]!;
        const contentHash = `${String(i).padStart(8, '0')}${source.hash.slice(8)}`;
        const target = modelInputPath(library.paths, contentHash);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.linkSync(modelInputPath(library.paths, source.hash), target);
        const id = Number(insert.run(`${source.path}#${i}`, path.dirname(source.path), `generated-${i}.jpg`, contentHash).lastInsertRowid);
        photos.push({ id, contentHash });
      }
    })();

    const samples: Sample[] = [];
    let lastDone = -1;
    const sample = (done: number) => {
      if (done === lastDone) return;
      lastDone = done;
      const m = process.memoryUsage();
      samples.push({ done, rss: m.rss, heap: m.heapUsed, external: m.external });
    };
    const t = performance.now();
    const matrix = await ensureFeatures(
      library,
      { photos, embedder, views: ['original'] },
      createJobContext({ onProgress: (p) => p.stage === 'features' && sample(p.done) }),
    );
    const seconds = (performance.now() - t) / 1000;
    const quarter = Math.max(1, Math.floor(samples.length / 4));
    const first = samples.slice(0, quarter);
    const last = samples.slice(-quarter);
    // the result fills in as photos are embedded: its rows written between the two quarters are growth by design
    const resultGrowth = (mean(last.map((s) => s.done)) - mean(first.map((s) => s.done))) * matrix.dims * 4;
    const rssGrowth = mean(last.map((s) => s.rss)) - mean(first.map((s) => s.rss));
    return {
      name: 'Embedding memory',
      rows: [
        { label: `photos embedded (alpha 0.35, 224 px centre crop, ${embedder.spec.cache.shortSidePx} px JPEG cache)`, value: matrix.computed, unit: 'photos' },
        { label: 'rate', value: matrix.computed / seconds, unit: 'img/s' },
        { label: 'RSS, mean over the first quarter of the run', value: mean(first.map((s) => s.rss)) / MiB, unit: 'MiB' },
        { label: 'RSS, mean over the last quarter of the run', value: mean(last.map((s) => s.rss)) / MiB, unit: 'MiB' },
        { label: 'RSS growth, last quarter − first quarter', value: rssGrowth / MiB, unit: 'MiB' },
        { label: '  of which result rows written meanwhile (1280 floats per photo)', value: resultGrowth / MiB, unit: 'MiB' },
        { label: '  the rest', value: (rssGrowth - resultGrowth) / MiB, unit: 'MiB' },
        { label: 'JS heap used, last quarter − first quarter', value: (mean(last.map((s) => s.heap)) - mean(first.map((s) => s.heap))) / MiB, unit: 'MiB' },
        { label: 'external memory, last quarter − first quarter', value: (mean(last.map((s) => s.external)) - mean(first.map((s) => s.external))) / MiB, unit: 'MiB' },
      ],
      notes: `${samples.length} samples, one per progress report; ${PHOTOS} photos share the ${alpaca.length} alpaca model inputs (hard links).`,
    };
  } finally {
    await embedder.close();
    library.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`Machine: ${describeMachine()}\n`);
  console.log(formatBenchResult(await run()));
}
