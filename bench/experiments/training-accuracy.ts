// Accuracy experiments on the alpaca set (docs/training.md): run with `node bin/run-ts.js bench/experiments/training-accuracy.ts [name…]`.
// Imports the set once into .tmp/alpaca-library (features cached there), then trains each setting and prints a row.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJobContext } from '../../src-main/core/jobs/job-context.js';
import { openLibrary } from '../../src-main/core/library/library.js';
import { importFolder } from '../../src-main/core/photos/import-folder.js';
import { selectBackend } from '../../src-main/core/ml/backbone/backend.js';
import type { Embedder } from '../../src-main/core/ml/features/embed.js';
import { createEmbeddingPool } from '../../src-main/core/ml/features/embedding-pool.js';
import { markInterruptedRuns } from '../../src-main/core/ml/runs/runs.js';
import { cachedFeatureDeps } from '../../src-main/core/ml/runs/training-features.js';
import { resolveTrainingConfig } from '../../src-main/core/ml/training/training-config.js';
import { trainRun } from '../../src-main/core/ml/runs/train-run.js';
import type { TrainingConfigInput } from '../../src-main/api/training-schemas.js';

const ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const SHARED = path.resolve(ROOT, '..', 'shared');
const LIBRARY_DIR = path.join(ROOT, '.tmp', 'alpaca-library');
/** STUDIO_SEEDS=1 runs one seed (fine-tuning runs take minutes each on the cpu backend). */
const SEEDS = (process.env.STUDIO_SEEDS ?? '1,2,3').split(',').map(Number);

const AUG = { flip: { enabled: true, strength: 1 }, rotation: { enabled: true, strength: 20 } };
const SETTINGS: Array<{ name: string; input: TrainingConfigInput }> = [
  { name: 'lr 1e-3, 20 epochs', input: { learningRate: 1e-3, epochs: 20 } },
  { name: 'lr 1e-4, 20 epochs', input: { learningRate: 1e-4, epochs: 20 } },
  { name: 'lr 1e-4, 60 epochs', input: { learningRate: 1e-4, epochs: 60 } },
  { name: 'lr 1e-3, 20 epochs, no class weights', input: { learningRate: 1e-3, epochs: 20, classWeights: 'none' } },
  { name: 'lr 1e-3, 20 epochs, flip + rotation ±20°, 4 views', input: { learningRate: 1e-3, epochs: 20, augmentation: { ...AUG, views: 4 } } },
  { name: 'lr 1e-3, 20 epochs, flip + rotation ±20°, 8 views', input: { learningRate: 1e-3, epochs: 20, augmentation: { ...AUG, views: 8 } } },
  { name: 'lr 1e-3, 20 epochs, hidden 128', input: { learningRate: 1e-3, epochs: 20, hiddenUnits: [128] } },
  { name: 'lr 1e-3, 20 epochs, k-fold 5', input: { learningRate: 1e-3, epochs: 20, kfold: 5 } },
  { name: 'lr 1e-3, 60 epochs', input: { learningRate: 1e-3, epochs: 60 } },
  { name: 'lr 3e-3, 40 epochs', input: { learningRate: 3e-3, epochs: 40 } },
  { name: 'lr 1e-3, 20 epochs, 224 px', input: { learningRate: 1e-3, epochs: 20, inputSize: 224 } },
  { name: 'lr 1e-3, 40 epochs, 224 px', input: { learningRate: 1e-3, epochs: 40, inputSize: 224 } },
  { name: 'lr 1e-3, 20 epochs, 224 px, k-fold 5', input: { learningRate: 1e-3, epochs: 20, inputSize: 224, kfold: 5 } },
  { name: 'lr 1e-3, 20 epochs, 224 px, flip + rotation ±20°, 4 views', input: { learningRate: 1e-3, epochs: 20, inputSize: 224, augmentation: { ...AUG, views: 4 } } },
  { name: 'lr 1e-3, 30 epochs, 224 px, dropout 0.5', input: { learningRate: 1e-3, epochs: 30, inputSize: 224, dropout: 0.5 } },
  { name: 'lr 1e-3, 20 epochs, then fine-tune last 5 layers 5 epochs', input: { learningRate: 1e-3, epochs: 20, fineTuneLayers: 5, fineTuneEpochs: 5 } },
  { name: 'lr 1e-3, 20 epochs, then fine-tune last 11 layers 10 epochs', input: { learningRate: 1e-3, epochs: 20, fineTuneLayers: 11, fineTuneEpochs: 10 } },
  { name: 'lr 1e-3, 20 epochs, then fine-tune last 20 layers 10 epochs', input: { learningRate: 1e-3, epochs: 20, fineTuneLayers: 20, fineTuneEpochs: 10 } },
  { name: 'lr 1e-3, 20 epochs, flip only', input: { learningRate: 1e-3, epochs: 20, augmentation: { flip: { enabled: true, strength: 1 }, views: 1 } } },
];

const only = process.argv.slice(2);
fs.mkdirSync(LIBRARY_DIR, { recursive: true });
const library = openLibrary(LIBRARY_DIR);
markInterruptedRuns(library.db);
const quiet = createJobContext({});
if ((library.db.prepare('SELECT COUNT(*) FROM photos').pluck().get() as number) === 0) {
  const t0 = performance.now();
  await importFolder(library, { root: path.join(SHARED, 'datasets', 'alpaca'), labelsFromFolders: true }, quiet);
  console.log(`imported in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const backend = await selectBackend('wasm');
const embedders = new Map<number, Embedder>();
async function embedderFor(inputSize: number): Promise<Embedder> {
  let embedder = embedders.get(inputSize);
  if (!embedder) {
    embedder = await createEmbeddingPool({
      config: { alpha: 0.35, inputSize, weightsDir: path.join(SHARED, 'models', 'mobilenet_v2_0.35_imagenet_notop') },
      backend: 'wasm',
      workers: 2,
    });
    embedders.set(inputSize, embedder);
  }
  return embedder;
}
console.log('| setting | val accuracy (seeds ' + SEEDS.join(', ') + ') | mean | val log loss mean | train s/run |');
console.log('|---|---|---|---|---|');
try {
  for (const setting of SETTINGS) {
    if (only.length && !only.some((o) => setting.name.includes(o))) continue;
    const accuracies: number[] = [];
    const losses: number[] = [];
    let seconds = 0;
    for (const seed of SEEDS) {
      const config = resolveTrainingConfig({ ...setting.input, seed });
      const deps = cachedFeatureDeps(library, await embedderFor(config.inputSize), config, backend.name, {
        alpha: 0.35,
        inputSize: config.inputSize,
        weightsDir: path.join(SHARED, 'models', 'mobilenet_v2_0.35_imagenet_notop'),
      });
      const t0 = performance.now();
      const result = await trainRun(library, config, quiet, deps);
      seconds += (performance.now() - t0) / 1000;
      accuracies.push(result.metrics.kfold ? result.metrics.kfold.mean : result.metrics.accuracy);
      losses.push(result.metrics.loss ?? NaN);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `| ${setting.name} | ${accuracies.map((a) => a.toFixed(3)).join(', ')} | ${mean(accuracies).toFixed(3)} | ${mean(losses).toFixed(3)} | ${(seconds / SEEDS.length).toFixed(1)} |`,
    );
  }
} finally {
  for (const embedder of embedders.values()) await embedder.close();
  library.close();
}
