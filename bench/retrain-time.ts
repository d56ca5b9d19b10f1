// Training time on the alpaca set with the default settings (MobileNetV2 1.0, k-fold 5, mirror rows + TTA): the first
// run (features embedded), a retrain from cached features (what one-click Retrain does), the single split, the first
// run with the 0.35 backbone at 224 px for comparison, and re-embedding every photo every epoch as the baseline.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJobContext } from '../src-main/core/jobs/job-context.js';
import { openLibrary } from '../src-main/core/library/library.js';
import { selectBackend } from '../src-main/core/ml/backbone/backend.js';
import type { EmbedItem } from '../src-main/core/ml/features/embed.js';
import { createEmbedder } from '../src-main/core/ml/features/embedding-pool.js';
import { buildHead, trainHead } from '../src-main/core/ml/training/head.js';
import { snapshotDataset } from '../src-main/core/ml/runs/dataset-snapshot.js';
import { cachedFeatureDeps } from '../src-main/core/ml/runs/training-features.js';
import { resolveTrainingConfig } from '../src-main/core/ml/training/training-config.js';
import { trainRun } from '../src-main/core/ml/runs/train-run.js';
import { imageSourceFor } from '../src-main/core/ml/features/preprocess.js';
import { importFolder } from '../src-main/core/photos/import-folder.js';
import { describeMachine, formatBenchResult, type BenchResult } from './bench-result.js';

const SHARED_DIR = path.resolve(fileURLToPath(new URL('../', import.meta.url)), '../shared');
const WEIGHTS_DIR = path.join(SHARED_DIR, 'models/mobilenet_v2_1.0_imagenet_notop');
const WEIGHTS_035_DIR = path.join(SHARED_DIR, 'models/mobilenet_v2_0.35_imagenet_notop');
/** Epochs actually run with re-embedding; the 20-epoch figure is extrapolated from them. */
const REEMBED_EPOCHS = 1;

const seconds = (since: number) => (performance.now() - since) / 1000;

export async function run(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-retrain-'));
  const library = openLibrary(dir);
  const backend = await selectBackend('wasm');
  const ctx = createJobContext({});
  const config = resolveTrainingConfig({ seed: 1 });
  const embedder = await createEmbedder(backend, { alpha: config.alpha, inputSize: config.inputSize, resize: config.resize, weightsDir: WEIGHTS_DIR });
  const small = { ...config, alpha: 0.35, inputSize: 224, resize: 'fill' as const, kfold: 0, mirror: false };
  const embedder035 = await createEmbedder(backend, { alpha: 0.35, inputSize: 224, resize: 'fill', weightsDir: WEIGHTS_035_DIR });
  try {
    await importFolder(library, { root: path.join(SHARED_DIR, 'datasets/alpaca'), labelsFromFolders: true }, ctx);
    const deps = cachedFeatureDeps(library, embedder, config, backend.name);

    let t = performance.now();
    await trainRun(library, config, ctx, deps);
    const first = seconds(t);
    t = performance.now();
    await trainRun(library, config, ctx, deps);
    const cached = seconds(t);
    t = performance.now();
    await trainRun(library, { ...config, kfold: 0, mirror: false }, ctx, cachedFeatureDeps(library, embedder, { ...config, kfold: 0, mirror: false }, backend.name));
    const cachedSplit = seconds(t);
    t = performance.now();
    await trainRun(library, small, ctx, cachedFeatureDeps(library, embedder035, small, backend.name));
    const first035 = seconds(t);
    const diskBytes = fs.statSync(path.join(dir, 'library.db')).size;

    // Baseline: every epoch embeds every labeled photo again (from the import's model-input cache), then one head epoch.
    const { labeled } = snapshotDataset(library.db);
    const items: EmbedItem[] = labeled.map((p) => ({ source: imageSourceFor(library.paths, p, embedder.spec), view: 'original' }));
    const labels = Int32Array.from(labeled, (p) => p.classIndex);
    const model = buildHead({ inputDim: embedder.dims, numClasses: 2, hiddenUnits: [], dropout: config.dropout, seed: 1 });
    t = performance.now();
    for (let epoch = 0; epoch < REEMBED_EPOCHS; epoch++) {
      const rows = await embedder.embed(items);
      await trainHead({
        model,
        train: { features: { dim: embedder.dims, count: labeled.length, views: [rows] }, labels },
        options: { ...config, epochs: 1, classWeight: config.classWeights },
        ctx,
      });
    }
    const perEpochReembed = seconds(t) / REEMBED_EPOCHS;
    model.dispose();

    return {
      name: 'Training',
      rows: [
        { label: `first run, defaults (1.0 @${config.inputSize} ${config.resize}): embed 327 photos × 2 views + 6 heads + predict + save`, value: first, unit: 's' },
        { label: 'retrain, features cached, defaults (k-fold 5 + final head, mirror rows + TTA)', value: cached, unit: 's' },
        { label: 'retrain, features cached, single 80/20 split, no mirror', value: cachedSplit, unit: 's' },
        { label: 'first run, 0.35 @224 fill, single split (the old default), embed 327 photos + 1 head', value: first035, unit: 's' },
        { label: 'library.db after these runs (features of both backbones)', value: diskBytes / 1e6, unit: 'MB' },
        { label: `re-embedding every epoch: s per epoch (mean of ${REEMBED_EPOCHS})`, value: perEpochReembed, unit: 's' },
        { label: 're-embedding every epoch: 20 epochs (extrapolated)', value: perEpochReembed * config.epochs, unit: 's' },
        { label: 'speed-up of the cache for a 20-epoch retrain', value: (perEpochReembed * config.epochs) / cached, unit: '×' },
      ],
      notes: `alpaca (327 photos, 2 classes), MobileNetV2 1.0 @${config.inputSize} px ${config.resize}, backend ${backend.name}, embedder workers per core; ${describeMachine()}`,
    };
  } finally {
    await embedder.close();
    await embedder035.close();
    library.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatBenchResult(await run()));
}
