// Does fine-tuning MobileNetV2 (BatchNorm in inference mode) beat the frozen backbone on held-out photos?
// K-fold (default 5): every fold's head is fine-tuned with the backbone's last layers on that fold's training photos and
// predicts the held-out fold, so both results are out-of-fold over every labeled photo (the run's `frozenHead` beside
// its fine-tuned metrics). Run: `node bin/run-ts.js bench/experiments/fine-tune-heldout.ts`
// (STUDIO_SEEDS=1,2; ALPHA=1|0.35; INPUT_SIZE=288; KFOLD=5 (0 = one 80/20 split); FT_LAYERS=5; FT_EPOCHS=5).
// Cost per run on the cpu backend: see docs/training.md.
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
import type { RunMetrics } from '../../src-main/api/training-schemas.js';

const ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const SHARED = path.resolve(ROOT, '..', 'shared');
const ALPHA = Number(process.env.ALPHA ?? 1);
const WEIGHTS = path.join(SHARED, 'models', ALPHA === 1 ? 'mobilenet_v2_1.0_imagenet_notop' : `mobilenet_v2_${ALPHA}_imagenet_notop`);
const LIBRARY_DIR = path.join(ROOT, '.tmp', `alpaca-library-${ALPHA === 1 ? '1.0' : ALPHA}`);
const SEEDS = (process.env.STUDIO_SEEDS ?? '1').split(',').map(Number);
const LAYERS = Number(process.env.FT_LAYERS ?? 5);
const EPOCHS = Number(process.env.FT_EPOCHS ?? 5);
const KFOLD = Number(process.env.KFOLD ?? 5);
const INPUT_SIZE = process.env.INPUT_SIZE ? Number(process.env.INPUT_SIZE) : undefined;

fs.mkdirSync(LIBRARY_DIR, { recursive: true });
const library = openLibrary(LIBRARY_DIR);
const quiet = createJobContext({});
if ((library.db.prepare('SELECT COUNT(*) FROM photos').pluck().get() as number) === 0) {
  await importFolder(library, { root: path.join(SHARED, 'datasets', 'alpaca'), labelsFromFolders: true }, quiet);
}
const backend = await selectBackend('wasm');
const base = resolveTrainingConfig({ kfold: KFOLD, alpha: ALPHA, ...(INPUT_SIZE ? { inputSize: INPUT_SIZE } : {}) });
const backbone = { alpha: ALPHA, inputSize: base.inputSize, resize: base.resize, weightsDir: WEIGHTS };
const embedder = await createEmbeddingPool({ config: backbone, backend: 'wasm', workers: 2 });
const scheme = KFOLD >= 2 ? `${KFOLD}-fold out-of-fold` : 'one 80/20 split';
const result = (accuracy: number, e: RunMetrics['evaluation'], k: RunMetrics['kfold']) =>
  `${accuracy.toFixed(4)} (${e!.low.toFixed(3)}–${e!.high.toFixed(3)})${k ? `, folds ${k.mean.toFixed(3)} ± ${k.std.toFixed(3)}` : ''}`;
console.log(`alpha ${ALPHA}, ${base.inputSize} px ${base.resize}, mirror ${base.mirror}, ${scheme}; fine-tune last ${LAYERS} layers, ${EPOCHS} epochs, lr / 10`);
console.log('| seed | n | frozen head (95% CI, folds mean ± std) | fine-tuned | frozen run s | fine-tuned run s |');
console.log('|---|---|---|---|---|---|');
try {
  for (const seed of SEEDS) {
    const frozen = { ...base, seed };
    const tuned = { ...base, seed, fineTuneLayers: LAYERS, fineTuneEpochs: EPOCHS };
    const t0 = performance.now();
    await trainRun(library, frozen, quiet, cachedFeatureDeps(library, embedder, frozen, backend.name, backbone));
    const t1 = performance.now();
    const b = await trainRun(library, tuned, quiet, cachedFeatureDeps(library, embedder, tuned, backend.name, backbone));
    const t2 = performance.now();
    const f = b.metrics.frozenHead!;
    const m = b.metrics;
    console.log(`| ${seed} | ${m.evaluation?.n} | ${result(f.accuracy, f.evaluation, f.kfold)} | ${result(m.accuracy, m.evaluation, m.kfold)} | ${((t1 - t0) / 1000).toFixed(0)} | ${((t2 - t1) / 1000).toFixed(0)} |`);
  }
} finally {
  await embedder.close();
  library.close();
}
