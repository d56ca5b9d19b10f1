// Frozen-feature experiments on the alpaca set with MobileNetV2 1.0 (docs/training.md, "What the defaults come from"):
// preprocessing (input size × crop / fill) × head (plain, flipped training rows, flip TTA, L2 by inner CV), each
// measured with 5-fold CV × 3 seeds (mean ± std over the 15 folds). Features go through the app's own cache.
// Run: `node bin/run-ts.js bench/experiments/frozen-features.ts [variant…]` (e.g. `crop-288`); STUDIO_SEEDS=1,2,3.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJobContext } from '../../src-main/core/jobs/job-context.js';
import { openLibrary } from '../../src-main/core/library/library.js';
import { importFolder } from '../../src-main/core/photos/import-folder.js';
import { selectBackend } from '../../src-main/core/ml/backbone/backend.js';
import { createEmbeddingPool } from '../../src-main/core/ml/features/embedding-pool.js';
import { ensureFeatures } from '../../src-main/core/ml/features/feature-cache.js';
import { snapshotDataset } from '../../src-main/core/ml/runs/dataset-snapshot.js';
import { assignFolds } from '../../src-main/core/ml/training/split.js';
import { matrixToFeatureSet } from '../../src-main/core/ml/runs/training-features.js';
import { crossValidateHead, type HeadRecipe } from '../../src-main/core/ml/training/head-recipe.js';
import { meanStd } from '../../src-main/core/ml/training/metrics.js';
import type { ResizeMode } from '../../src-main/core/ml/backbone/backbone.js';
import { DEFAULT_TRAINING_CONFIG } from '../../src-main/core/ml/training/training-config.js';

const ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const SHARED = path.resolve(ROOT, '..', 'shared');
const WEIGHTS = path.join(SHARED, 'models', 'mobilenet_v2_1.0_imagenet_notop');
const LIBRARY_DIR = process.env.STUDIO_EXPERIMENT_LIBRARY ?? path.join(ROOT, '.tmp', 'alpaca-library-1.0');
const SEEDS = (process.env.STUDIO_SEEDS ?? '1,2,3').split(',').map(Number);
const K = 5;

const VARIANTS: Array<{ name: string; inputSize: number; resize: ResizeMode }> = [
  { name: 'fill-224', inputSize: 224, resize: 'fill' },
  { name: 'crop-224', inputSize: 224, resize: 'center-crop' },
  { name: 'fill-288', inputSize: 288, resize: 'fill' },
  { name: 'crop-288', inputSize: 288, resize: 'center-crop' },
];

/** L2 strengths tried by the inner CV (loss = mean cross-entropy + l2 · Σw²) */
const L2_GRID = [0, 1e-4, 1e-3, 1e-2];
const base: HeadRecipe = {
  options: { ...headDefaults() },
  flipRows: false,
  flipTta: false,
  l2Grid: null,
};
function headDefaults() {
  const c = DEFAULT_TRAINING_CONFIG;
  return { epochs: c.epochs, batchSize: c.batchSize, learningRate: c.learningRate, classWeight: c.classWeights, dropout: c.dropout, seed: 1 };
}
const HEADS: Array<{ name: string; recipe: HeadRecipe }> = [
  { name: 'app head (Adam 20 ep, dropout 0.2)', recipe: base },
  { name: '+ flipped rows', recipe: { ...base, flipRows: true } },
  { name: '+ flipped rows + flip TTA', recipe: { ...base, flipRows: true, flipTta: true } },
  { name: '+ flipped rows + flip TTA + L2 (inner 3-fold CV)', recipe: { ...base, flipRows: true, flipTta: true, l2Grid: L2_GRID } },
  { name: 'app head + L2 (inner 3-fold CV)', recipe: { ...base, l2Grid: L2_GRID } },
  { name: 'app head, 40 epochs', recipe: { ...base, options: { ...base.options, epochs: 40 } } },
];

const only = process.argv.slice(2);
const onlyHeads = (process.env.STUDIO_HEADS ?? '').split(',').filter(Boolean).map(Number);
fs.mkdirSync(LIBRARY_DIR, { recursive: true });
const library = openLibrary(LIBRARY_DIR);
const quiet = createJobContext({});
if ((library.db.prepare('SELECT COUNT(*) FROM photos').pluck().get() as number) === 0) {
  const t0 = performance.now();
  await importFolder(library, { root: path.join(SHARED, 'datasets', 'alpaca'), labelsFromFolders: true }, quiet);
  console.log(`imported in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
await selectBackend('wasm');
const { labeled } = snapshotDataset(library.db);
const labels = Int32Array.from(labeled, (p) => p.classIndex);
const splitPhotos = labeled.map((p) => ({ id: p.id, classIndex: p.classIndex, dupGroup: p.dupGroup, sortKey: p.contentHash }));
const fmt = (xs: number[]) => {
  const { mean, std } = meanStd(xs);
  return `${mean.toFixed(4)} ± ${std.toFixed(3)}`;
};
console.log(`alpaca: ${labeled.length} labeled photos, MobileNetV2 1.0, ${K}-fold CV × seeds ${SEEDS.join(', ')}`);
console.log('| preprocessing | head | CV accuracy (mean ± std over folds × seeds) | pooled accuracy | head s / 5-fold run |');
console.log('|---|---|---|---|---|');
try {
  for (const variant of VARIANTS) {
    if (only.length && !only.includes(variant.name)) continue;
    const embedder = await createEmbeddingPool({ config: { alpha: 1, inputSize: variant.inputSize, resize: variant.resize, weightsDir: WEIGHTS }, backend: 'wasm', workers: 2 });
    let matrix;
    const t0 = performance.now();
    try {
      matrix = await ensureFeatures(library, { photos: labeled, embedder, views: ['original', 'flip'] }, quiet);
    } finally {
      await embedder.close();
    }
    const embedSeconds = (performance.now() - t0) / 1000;
    if (matrix.computed > 0) console.log(`<!-- ${variant.name}: embedded ${matrix.computed} (photo, view) pairs in ${embedSeconds.toFixed(1)} s -->`);
    const both = matrixToFeatureSet(matrix, labeled.length);
    const data = { features: { dim: both.dim, count: both.count, views: [both.views[0]!] }, labels, flipped: both.views[1]! };
    const head = { inputDim: both.dim, numClasses: 2, hiddenUnits: [], dropout: DEFAULT_TRAINING_CONFIG.dropout };
    for (const [h, setting] of HEADS.entries()) {
      if (onlyHeads.length && !onlyHeads.includes(h)) continue;
      const foldAccuracies: number[] = [];
      const pooled: number[] = [];
      let seconds = 0;
      for (const seed of SEEDS) {
        const folds = assignFolds(splitPhotos, { k: K, seed });
        const foldOf = Int32Array.from(labeled, (p) => folds.get(p.id) as number);
        const t1 = performance.now();
        const cv = await crossValidateHead({ data, folds: foldOf, k: K, head, recipe: { ...setting.recipe, options: { ...setting.recipe.options, seed } }, ctx: quiet });
        seconds += (performance.now() - t1) / 1000;
        foldAccuracies.push(...cv.accuracies);
        pooled.push(cv.pooledAccuracy);
      }
      console.log(`| ${variant.name} | ${setting.name} | ${fmt(foldAccuracies)} | ${fmt(pooled)} | ${(seconds / SEEDS.length).toFixed(1)} |`);
    }
  }
} finally {
  library.close();
}
