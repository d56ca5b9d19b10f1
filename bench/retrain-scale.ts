// Retrain at library scale: a generated library of 20,000 labeled photos whose features (1280 floats, plain and
// mirror view) are already in the feature cache, retrained with the default settings (k-fold 5 + final head, mirror
// rows + flip TTA) through trainRun and the cache, as one-click Retrain does after a few labels changed. Compared in
// the same run: the previous head solver (mini-batch Adam, 20 epochs), one epoch of one fold head measured and scaled
// to 6 heads × 20 epochs.
// Features are synthetic (one Gaussian cluster per class): the timing does not depend on what the photos show.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClass } from '../src-main/core/library/classes.js';
import { setLabels } from '../src-main/core/library/labels.js';
import { createJobContext } from '../src-main/core/jobs/job-context.js';
import { openLibrary } from '../src-main/core/library/library.js';
import { selectBackend } from '../src-main/core/ml/backbone/backend.js';
import { MIRROR_VIEW, ORIGINAL_VIEW } from '../src-main/core/ml/features/augment-views.js';
import type { Embedder } from '../src-main/core/ml/features/embed.js';
import { featureKeyOf, putFeatures } from '../src-main/core/ml/features/feature-cache.js';
import { preprocessingSpec } from '../src-main/core/ml/features/preprocess.js';
import { snapshotDataset } from '../src-main/core/ml/runs/dataset-snapshot.js';
import { headRecipe, trainRun } from '../src-main/core/ml/runs/train-run.js';
import type { RecipeData } from '../src-main/core/ml/training/head-recipe.js';
import { crossValidateLinear, fitLinearHead } from '../src-main/core/ml/training/linear-head-fit.js';
import { assignFolds } from '../src-main/core/ml/training/split.js';
import { cachedFeatureDeps } from '../src-main/core/ml/runs/training-features.js';
import { buildHead, trainHead } from '../src-main/core/ml/training/head.js';
import { resolveTrainingConfig } from '../src-main/core/ml/training/training-config.js';
import { insertSyntheticPhotos } from '../tests/helpers/insert-photos.js';
import { syntheticFeatures } from '../tests/helpers/synthetic-features.js';
import { describeMachine, formatBenchResult, type BenchResult } from './bench-result.js';

const PHOTOS = Number(process.env.STUDIO_BENCH_PHOTOS ?? 20_000);
const DIMS = 1280;
const seconds = (since: number) => (performance.now() - since) / 1000;

/** Stands for the backbone: every feature is cached, so embedding is never asked for. */
function cachedOnlyEmbedder(): Embedder {
  return {
    backboneId: 'synthetic-1280',
    inputSize: 288,
    dims: DIMS,
    spec: preprocessingSpec(288, 'center-crop'),
    embed: async () => {
      throw new Error('bench: every feature should come from the cache');
    },
    close: async () => undefined,
  };
}

export async function run(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-retrain-scale-'));
  const library = openLibrary(dir);
  const backend = await selectBackend('wasm');
  const embedder = cachedOnlyEmbedder();
  try {
    let t = performance.now();
    const classIds = ['alpaca', 'not_alpaca'].map((name) => createClass(library.db, name).id);
    const ids = insertSyntheticPhotos(library.db, PHOTOS);
    // 45 % / 55 %, like the alpaca set
    const trueClass = ids.map((_, i) => (i % 20 < 9 ? 0 : 1));
    classIds.forEach((classId, c) => setLabels(library.db, { photoIds: ids.filter((_, i) => trueClass[i] === c), classId, source: 'cli' }));
    const features = syntheticFeatures({ labels: trueClass, dim: DIMS, numClasses: 2, separation: 0.12, views: 2, seed: 7 });
    const hashes = library.db.prepare('SELECT content_hash FROM photos ORDER BY id').pluck().all() as string[];
    const key = featureKeyOf(embedder);
    for (let start = 0; start < PHOTOS; start += 1000) {
      const rows = hashes.slice(start, start + 1000).flatMap((contentHash, j) => [
        { contentHash, view: ORIGINAL_VIEW, vector: features.views[0]!.slice((start + j) * DIMS, (start + j + 1) * DIMS) },
        { contentHash, view: MIRROR_VIEW, vector: features.views[1]!.slice((start + j) * DIMS, (start + j + 1) * DIMS) },
      ]);
      putFeatures(library.db, key, rows);
    }
    const generate = seconds(t);

    const config = resolveTrainingConfig({ seed: 1 });
    const deps = cachedFeatureDeps(library, embedder, config, backend.name);
    // wall and CPU seconds (every thread's: ONNX Runtime's too) per progress stage of the measured retrain
    const stages = new Map<string, { wall: number; cpu: number }>();
    let stage = '';
    let stageStart = 0;
    let stageCpu = process.cpuUsage();
    const endStage = () => {
      if (!stage) return;
      const cpu = process.cpuUsage(stageCpu);
      const sum = stages.get(stage) ?? { wall: 0, cpu: 0 };
      stages.set(stage, { wall: sum.wall + seconds(stageStart), cpu: sum.cpu + (cpu.user + cpu.system) / 1e6 });
    };
    const ctx = createJobContext({
      onProgress: (p) => {
        if (p.stage === stage) return;
        endStage();
        stage = p.stage;
        stageStart = performance.now();
        stageCpu = process.cpuUsage();
      },
    });
    // the heads alone, as trainRun fits them: the 5 fold heads and the final head side by side, then its model
    const { labeled } = snapshotDataset(library.db);
    const plainRows = await deps.getFeatures(labeled, 'plain', createJobContext({}));
    const mirrorRows = await deps.getFeatures(labeled, 'mirror', createJobContext({}));
    const data: RecipeData = { features: plainRows, labels: Int32Array.from(labeled, (p) => p.classIndex), flipped: mirrorRows.views[0]! };
    const folds = assignFolds(labeled.map((p) => ({ id: p.id, classIndex: p.classIndex, dupGroup: p.dupGroup, sortKey: p.contentHash })), { k: config.kfold, seed: config.seed });
    const head = { inputDim: DIMS, numClasses: 2, hiddenUnits: [], dropout: config.dropout };
    const recipe = headRecipe(config);
    t = performance.now();
    const cpu = process.cpuUsage();
    const cv = await crossValidateLinear({ data, folds: Int32Array.from(labeled, (p) => folds.get(p.id)!), k: config.kfold, head, recipe, ctx: createJobContext({}), final: true });
    const foldHeads = seconds(t);
    t = performance.now();
    const { model: finalModel } = await fitLinearHead({ data, head, recipe, ctx: createJobContext({}), solved: cv.final });
    const finalHead = seconds(t);
    const { user, system } = process.cpuUsage(cpu);
    const headsCpu = (user + system) / 1e6;
    finalModel.dispose();

    let firstRun = NaN;
    let retrain = NaN;
    let retrainCpu = NaN;
    let accuracy = NaN;
    if (!process.env.STUDIO_BENCH_HEADS_ONLY) {
      // the library's first run builds what later runs reuse (the outlier scores' neighbour lists); then 2 % of the
      // labels move to the other class, and the retrain after that is the one measured
      t = performance.now();
      await trainRun(library, config, createJobContext({}), deps);
      firstRun = seconds(t);
      const moved = ids.filter((_, i) => i % 50 === 0);
      classIds.forEach((classId, c) => setLabels(library.db, { photoIds: moved.filter((_, j) => trueClass[j * 50] !== c), classId, source: 'cli' }));
      t = performance.now();
      const cpu = process.cpuUsage();
      accuracy = (await trainRun(library, config, ctx, deps)).metrics.accuracy;
      retrain = seconds(t);
      const used = process.cpuUsage(cpu);
      retrainCpu = (used.user + used.system) / 1e6;
      endStage();
    }

    // The previous solver: mini-batch Adam with input dropout, one epoch over one fold's rows (80 % of the photos
    // and their mirror images), scaled to 5 fold heads + the final head (1.25 × a fold's rows) × 20 epochs.
    const foldRows = Math.round(labeled.length * 0.8) * 2;
    const model = buildHead({ inputDim: DIMS, numClasses: 2, hiddenUnits: [], dropout: config.dropout, seed: 1 });
    const joined = new Float32Array(foldRows * DIMS);
    joined.set(features.views[0]!.subarray(0, (foldRows / 2) * DIMS));
    joined.set(features.views[1]!.subarray(0, (foldRows / 2) * DIMS), (foldRows / 2) * DIMS);
    const labels = Int32Array.from({ length: foldRows }, (_, i) => trueClass[i % (foldRows / 2)]!);
    t = performance.now();
    await trainHead({
      model,
      train: { features: { dim: DIMS, count: foldRows, views: [joined] }, labels },
      options: { epochs: 1, batchSize: config.batchSize, learningRate: config.learningRate, classWeight: config.classWeights, dropout: config.dropout, seed: 1 },
      ctx: createJobContext({}),
    });
    const adamEpoch = seconds(t);
    model.dispose();
    const adamRetrain = adamEpoch * config.epochs * (config.kfold + 1.25);

    return {
      name: `Retrain at library scale (${PHOTOS.toLocaleString('en')} labeled photos, features cached)`,
      rows: [
        { label: 'heads only: 5 fold heads + the final head, full-batch, side by side', value: foldHeads, unit: 's' },
        { label: 'heads only: the final head\'s model and curve from that solve', value: finalHead, unit: 's' },
        { label: 'heads only: CPU time of the two (process.cpuUsage, user + system)', value: headsCpu, unit: 's' },
        { label: 'first run on this library (also builds the neighbour lists), through trainRun', value: firstRun, unit: 's' },
        { label: 'retrain, defaults (k-fold 5 + final head, mirror rows + flip TTA), through trainRun', value: retrain, unit: 's' },
        { label: '  CPU', value: retrainCpu, unit: 's' },
        ...[...stages].flatMap(([name, value]) => [
          { label: `  of which stage "${name}"`, value: value.wall, unit: 's' },
          { label: `    CPU`, value: value.cpu, unit: 's' },
        ]),
        { label: 'out-of-fold accuracy of that run (synthetic clusters)', value: accuracy, unit: '' },
        { label: 'previous head solver (Adam, 20 epochs): 1 fold-head epoch measured', value: adamEpoch, unit: 's' },
        { label: 'previous head solver: the same retrain, scaled (6 heads × 20 epochs)', value: adamRetrain, unit: 's' },
        { label: 'speed-up of the full-batch heads (fold + final) over Adam', value: adamRetrain / (foldHeads + finalHead), unit: '×' },
        { label: 'generating the library and its cached features (not timed above)', value: generate, unit: 's' },
      ],
      notes: `${PHOTOS} photos × 2 views × ${DIMS} floats in the feature cache, tfjs backend ${backend.name}, load average ${os.loadavg()[0]!.toFixed(1)} at the end; ${describeMachine()}`,
    };
  } finally {
    library.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatBenchResult(await run()));
}
