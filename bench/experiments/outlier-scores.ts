// Outlier-score experiment (docs/training.md "Outlier queue"): `node bin/run-ts.js bench/experiments/outlier-scores.ts`.
// The alpaca set plus 3 junk images (flat colour, text card, UI screenshot) labeled "alpaca", features from the 0.35
// and the 1.0 backbone at 224 px; ranks of the junk under k-NN distance scores and a Mahalanobis score.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJobContext } from '../../src-main/core/jobs/job-context.js';
import { openLibrary } from '../../src-main/core/library/library.js';
import { importFolder } from '../../src-main/core/photos/import-folder.js';
import { createEmbeddingPool } from '../../src-main/core/ml/features/embedding-pool.js';
import { ensureFeatures } from '../../src-main/core/ml/features/feature-cache.js';
import { nearestLabeled, outlierScores } from '../../src-main/core/ml/runs/outlier-scores.js';
import { snapshotDataset } from '../../src-main/core/ml/runs/dataset-snapshot.js';
import { writeJunkImages } from '../../tests/helpers/junk-images.js';

const ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const SHARED = path.resolve(ROOT, '..', 'shared');
const DIR = path.join(ROOT, '.tmp', 'outlier-experiment');
const quiet = createJobContext({});

fs.mkdirSync(path.join(DIR, 'junk', 'alpaca'), { recursive: true });
const library = openLibrary(path.join(DIR, 'library'));
if ((library.db.prepare('SELECT COUNT(*) FROM photos').pluck().get() as number) === 0) {
  await writeJunkImages(path.join(DIR, 'junk', 'alpaca'));
  await importFolder(library, { root: path.join(SHARED, 'datasets', 'alpaca'), labelsFromFolders: true }, quiet);
  await importFolder(library, { root: path.join(DIR, 'junk'), labelsFromFolders: true }, quiet);
}
const { labeled } = snapshotDataset(library.db);
const labels = Int32Array.from(labeled, (p) => p.classIndex);
const junk = labeled.flatMap((p, i) => (path.basename(p.path).startsWith('junk-') ? [i] : []));

/** Shared-covariance Mahalanobis (shrunk towards the identity, Woodbury for n < d), minimum over classes. */
function mahalanobis(x: Float32Array, dim: number, lambda: number): Float64Array {
  const n = labels.length;
  const numClasses = Math.max(...labels) + 1;
  const means = Array.from({ length: numClasses }, () => new Float64Array(dim));
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < n; i++) {
    counts[labels[i]!]!++;
    for (let d = 0; d < dim; d++) means[labels[i]!]![d]! += x[i * dim + d]!;
  }
  means.forEach((m, c) => m.forEach((_, d) => (m[d]! /= counts[c]!)));
  const z = new Float64Array(n * dim);
  let trace = 0;
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) trace += (z[i * dim + d] = x[i * dim + d]! - means[labels[i]!]![d]!) ** 2;
  const a = (lambda * trace) / (n * dim);
  const b = (1 - lambda) / n;
  // M = aI + b Z Zᵀ, then its Cholesky factor L (lower)
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += z[i * dim + d]! * z[j * dim + d]!;
      m[i * n + j] = m[j * n + i] = b * s + (i === j ? a : 0);
    }
  }
  for (let j = 0; j < n; j++) {
    let s = m[j * n + j]!;
    for (let k = 0; k < j; k++) s -= m[j * n + k]! ** 2;
    m[j * n + j] = Math.sqrt(s);
    for (let i = j + 1; i < n; i++) {
      let t = m[i * n + j]!;
      for (let k = 0; k < j; k++) t -= m[i * n + k]! * m[j * n + k]!;
      m[i * n + j] = t / m[j * n + j]!;
    }
  }
  const solve = (u: Float64Array) => {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = u[i]!;
      for (let k = 0; k < i; k++) s -= m[i * n + k]! * y[k]!;
      y[i] = s / m[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < n; k++) s -= m[k * n + i]! * y[k]!;
      y[i] = s / m[i * n + i]!;
    }
    return y;
  };
  const scores = new Float64Array(n);
  const v = new Float64Array(dim);
  const u = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    let best = Infinity;
    for (let c = 0; c < numClasses; c++) {
      let vv = 0;
      for (let d = 0; d < dim; d++) vv += (v[d] = x[q * dim + d]! - means[c]![d]!) ** 2;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += z[i * dim + d]! * v[d]!;
        u[i] = s;
      }
      const w = solve(u);
      let uw = 0;
      for (let i = 0; i < n; i++) uw += u[i]! * w[i]!;
      best = Math.min(best, (vv - b * uw) / a);
    }
    scores[q] = best;
  }
  return scores;
}

function normalized(x: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length / dim; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += x[i * dim + d]! ** 2;
    for (let d = 0; d < dim; d++) out[i * dim + d] = x[i * dim + d]! / Math.sqrt(s || 1);
  }
  return out;
}

function report(name: string, scores: ArrayLike<number>, ms: number): void {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const ranks = junk.map((j) => order.indexOf(j) + 1);
  const top10 = order.slice(0, 10).filter((i) => !junk.includes(i)).map((i) => path.basename(labeled[i]!.path).slice(0, 8));
  console.log(`| ${name} | ${ranks.join(', ')} | ${ranks.filter((r) => r <= 10).length}/3 | ${ms.toFixed(0)} | ${top10.join(' ')} |`);
}

console.log(`${labeled.length} labeled photos (3 junk labeled alpaca)\n`);
for (const [alpha, folder] of [
  [0.35, 'mobilenet_v2_0.35_imagenet_notop'],
  [1.0, 'mobilenet_v2_1.0_imagenet_notop'],
] as const) {
  const embedder = await createEmbeddingPool({ config: { alpha, inputSize: 224, weightsDir: path.join(SHARED, 'models', folder) }, backend: 'wasm', workers: 2 });
  const t0 = performance.now();
  const matrix = await ensureFeatures(library, { photos: labeled, embedder }, quiet);
  await embedder.close();
  console.log(`alpha ${alpha}, 224 px: features in ${((performance.now() - t0) / 1000).toFixed(1)} s (${matrix.computed} computed)`);
  console.log('| score | junk ranks (of ' + labeled.length + ') | in top 10 | ms | other photos in the top 10 |');
  console.log('|---|---|---|---|---|');
  const input = { features: matrix.data, dim: matrix.dims, labels, numClasses: 2 };
  for (const k of [1, 5, 10]) {
    let t = performance.now();
    const raw = (await nearestLabeled({ ...input, k })).distance;
    report(`k-NN cosine distance, k=${k}`, raw, performance.now() - t);
    t = performance.now();
    report(`k-NN distance / class spread, k=${k}`, await outlierScores({ ...input, k }), performance.now() - t);
  }
  // the three junk photos as unlabeled (scored, but no one's neighbour)
  const unlabeledJunk = Int32Array.from(labels, (l, i) => (junk.includes(i) ? -1 : l));
  report('k-NN distance / class spread, k=5, junk unlabeled', await outlierScores({ ...input, labels: unlabeledJunk }), 0);
  for (const lambda of [0.1, 0.5, 0.9]) {
    for (const norm of [false, true]) {
      const t = performance.now();
      const scores = mahalanobis(norm ? normalized(matrix.data, matrix.dims) : matrix.data, matrix.dims, lambda);
      report(`Mahalanobis, shrinkage ${lambda}${norm ? ', L2-normalized' : ''}`, scores, performance.now() - t);
    }
  }
  console.log('');
}
library.close();
