// Does fine-tuning MobileNetV2 1.0 (BatchNorm in inference mode) beat the frozen backbone on held-out photos?
// One stratified 80/20 split per seed (the held-out 20% never trains either model), the default preprocessing,
// frozen head vs the same head then fine-tuned. Run: `node bin/run-ts.js bench/experiments/fine-tune-heldout.ts`
// (STUDIO_SEEDS=1,2; FT_LAYERS=5; FT_EPOCHS=5). Minutes per run on the cpu backend: see docs/training.md.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJobContext } from '../../src-main/core/jobs/job-context.js';
import { openLibrary } from '../../src-main/core/library/library.js';
import { importFolder } from '../../src-main/core/photos/import-folder.js';
import { selectBackend } from '../../src-main/core/ml/backbone/backend.js';
import { createEmbeddingPool } from '../../src-main/core/ml/features/embedding-pool.js';
import { cachedFeatureDeps } from '../../src-main/core/ml/runs/training-features.js';
import { resolveTrainingConfig } from '../../src-main/core/ml/training/training-config.js';
import { trainRun } from '../../src-main/core/ml/runs/train-run.js';

const ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const SHARED = path.resolve(ROOT, '..', 'shared');
const WEIGHTS = path.join(SHARED, 'models', 'mobilenet_v2_1.0_imagenet_notop');
const LIBRARY_DIR = path.join(ROOT, '.tmp', 'alpaca-library-1.0');
const SEEDS = (process.env.STUDIO_SEEDS ?? '1').split(',').map(Number);
const LAYERS = Number(process.env.FT_LAYERS ?? 5);
const EPOCHS = Number(process.env.FT_EPOCHS ?? 5);

fs.mkdirSync(LIBRARY_DIR, { recursive: true });
const library = openLibrary(LIBRARY_DIR);
const quiet = createJobContext({});
if ((library.db.prepare('SELECT COUNT(*) FROM photos').pluck().get() as number) === 0) {
  await importFolder(library, { root: path.join(SHARED, 'datasets', 'alpaca'), labelsFromFolders: true }, quiet);
}
const backend = await selectBackend('wasm');
const base = resolveTrainingConfig({ kfold: 0, mirror: false });
const backbone = { alpha: 1, inputSize: base.inputSize, resize: base.resize, weightsDir: WEIGHTS };
const embedder = await createEmbeddingPool({ config: backbone, backend: 'wasm', workers: 2 });
console.log(`| seed | held-out photos | frozen head | fine-tuned (last ${LAYERS} layers, ${EPOCHS} epochs, lr / 10) | fine-tune s |`);
console.log('|---|---|---|---|---|');
try {
  for (const seed of SEEDS) {
    const frozen = { ...base, seed };
    const tuned = { ...base, seed, fineTuneLayers: LAYERS, fineTuneEpochs: EPOCHS };
    const a = await trainRun(library, frozen, quiet, cachedFeatureDeps(library, embedder, frozen, backend.name, backbone));
    const t0 = performance.now();
    const b = await trainRun(library, tuned, quiet, cachedFeatureDeps(library, embedder, tuned, backend.name, backbone));
    const seconds = (performance.now() - t0) / 1000;
    const n = a.metrics.evaluation?.n ?? 0;
    console.log(`| ${seed} | ${n} | ${a.metrics.accuracy.toFixed(4)} | ${b.metrics.accuracy.toFixed(4)} | ${seconds.toFixed(0)} |`);
  }
} finally {
  await embedder.close();
  library.close();
}
