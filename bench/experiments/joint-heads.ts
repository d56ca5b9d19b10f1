// The k-fold linear heads (5 fold heads + the final head, mirror rows + flip TTA) fitted side by side (now) against
// the previous solver run through the same code: one head after another, each warm-started from the one before,
// products on tfjs, rows not centred. Runs alternate (before, after, before, after…) so both see the same load;
// wall and CPU time (process.cpuUsage: user + system, all threads) per run, and how far each lands from a
// 1e-9-tolerance joint solve (max |Δp| over the out-of-fold rows and over the final head's probabilities).
// Data: the retrain-scale bench's synthetic set (20,000 photos × 2 views × 1280 floats, STUDIO_BENCH_PHOTOS), or the
// alpaca features with STUDIO_ALPACA=1 (needs .tmp/alpaca-library-1.0: bench/experiments/frozen-features.ts crop-288),
// or those tiled to N photos with STUDIO_ALPACA_TILE=N (each copy's values scaled by 0.85–1.15 at random: real
// features' correlations, which the synthetic clusters lack, at library scale).
// Run: `node bin/run-ts.js bench/experiments/joint-heads.ts`; STUDIO_ROUNDS=2 (pairs of runs).
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createJobContext } from '../../src-main/core/jobs/job-context.js';
import { openLibrary } from '../../src-main/core/library/library.js';
import { selectBackend } from '../../src-main/core/ml/backbone/backend.js';
import { featureReader } from '../../src-main/core/ml/features/feature-cache.js';
import { snapshotDataset } from '../../src-main/core/ml/runs/dataset-snapshot.js';
import { headRecipe } from '../../src-main/core/ml/runs/train-run.js';
import { solveLinear, solveLinearHeads, type LinearWeights, type SolveResult } from '../../src-main/core/ml/training/full-batch-linear.js';
import { predictRecipe, type RecipeData } from '../../src-main/core/ml/training/head-recipe.js';
import { crossValidateLinear, fitLinearHead } from '../../src-main/core/ml/training/linear-head-fit.js';
import { assignFolds } from '../../src-main/core/ml/training/split.js';
import { resolveTrainingConfig } from '../../src-main/core/ml/training/training-config.js';
import { createRandom } from '../../src-main/core/ml/features/seeded-random.js';
import { syntheticFeatures } from '../../tests/helpers/synthetic-features.js';
import { describeMachine } from '../bench-result.js';

const ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const PHOTOS = Number(process.env.STUDIO_BENCH_PHOTOS ?? 20_000);
const ROUNDS = Number(process.env.STUDIO_ROUNDS ?? 2);
const DIM = 1280;

function dataset(): { data: RecipeData; ids: number[]; name: string } {
  if (process.env.STUDIO_ALPACA) {
    const library = openLibrary(path.join(ROOT, '.tmp', 'alpaca-library-1.0'));
    const { labeled } = snapshotDataset(library.db);
    const key = library.db.prepare('SELECT backbone_id AS backboneId, input_size AS inputSize FROM features WHERE input_size = 288 LIMIT 1').get() as { backboneId: string; inputSize: number };
    const read = featureReader(library.db, key);
    const plain = new Float32Array(labeled.length * DIM);
    const flipped = new Float32Array(labeled.length * DIM);
    labeled.forEach((p, i) => {
      plain.set(read(p.contentHash, 'original')!, i * DIM);
      flipped.set(read(p.contentHash, 'flip')!, i * DIM);
    });
    library.close();
    const labels = Int32Array.from(labeled, (p) => p.classIndex);
    const tile = Number(process.env.STUDIO_ALPACA_TILE ?? 0);
    if (tile > 0) {
      const random = createRandom(5);
      const views = [plain, flipped].map(() => new Float32Array(tile * DIM));
      for (let i = 0; i < tile; i++) {
        for (let j = 0; j < DIM; j++) {
          const scale = 0.85 + 0.3 * random();
          views[0]![i * DIM + j] = plain[(i % labeled.length) * DIM + j]! * scale;
          views[1]![i * DIM + j] = flipped[(i % labeled.length) * DIM + j]! * scale;
        }
      }
      const data = { features: { dim: DIM, count: tile, views: [views[0]!] }, labels: Int32Array.from({ length: tile }, (_, i) => labels[i % labeled.length]!), flipped: views[1]! };
      return { data, ids: Array.from({ length: tile }, (_, i) => i + 1), name: `alpaca features tiled to ${tile.toLocaleString('en')} photos` };
    }
    const data = { features: { dim: DIM, count: labeled.length, views: [plain] }, labels, flipped };
    return { data, ids: labeled.map((p) => p.id), name: `alpaca (${labeled.length} photos, MobileNetV2 1.0, crop 288)` };
  }
  // as bench/retrain-scale.ts: 45 % / 55 %, overlapping Gaussian clusters
  const labels = Array.from({ length: PHOTOS }, (_, i) => (i % 20 < 9 ? 0 : 1));
  const features = syntheticFeatures({ labels, dim: DIM, numClasses: 2, separation: 0.12, views: 2, seed: 7 });
  const data = { features: { dim: DIM, count: PHOTOS, views: [features.views[0]!] }, labels: Int32Array.from(labels), flipped: features.views[1]! };
  return { data, ids: labels.map((_, i) => i + 1), name: `synthetic (${PHOTOS.toLocaleString('en')} photos, as bench/retrain-scale.ts)` };
}

/** The previous solver: one head after another, each from the previous one's weights, tfjs products, rows not centred. */
const oneByOne: typeof solveLinearHeads = async (rows, heads, options = {}) => {
  const out: SolveResult[] = [];
  let previous: LinearWeights | null = null;
  for (const head of heads) {
    const solved = await solveLinear({ ...rows, ...head }, { init: previous, engine: 'tfjs', centre: false, isCancelled: options.isCancelled });
    out.push(solved);
    previous = solved.weights;
  }
  return out;
};
const reference: typeof solveLinearHeads = (rows, heads, options = {}) => solveLinearHeads(rows, heads, { ...options, tolerance: 1e-9, maxIterations: 1000 });

await selectBackend('wasm');
const { data, ids, name } = dataset();
const config = resolveTrainingConfig({ seed: 1 });
const recipe = headRecipe(config);
const head = { inputDim: DIM, numClasses: 2, hiddenUnits: [], dropout: config.dropout };
const foldMap = assignFolds(ids.map((id, i) => ({ id, classIndex: data.labels[i]!, dupGroup: null, sortKey: String(id) })), { k: config.kfold, seed: 1 });
const folds = Int32Array.from(ids, (id) => foldMap.get(id)!);

async function run(solve: typeof solveLinearHeads) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const cv = await crossValidateLinear({ data, folds, k: config.kfold, head, recipe, ctx: createJobContext({}), final: true, solve });
  const { model } = await fitLinearHead({ data, head, recipe, ctx: createJobContext({}), solved: cv.final });
  const wall = (performance.now() - start) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const final = predictRecipe(model, data.features, data.flipped, recipe);
  model.dispose();
  return { wall, cpu: (user + system) / 1e6, outOfFold: cv.outOfFold, final, pooled: cv.pooledAccuracy };
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((max, v, i) => Math.max(max, Math.abs(v - b[i]!)), 0);
const best = await run(reference);
console.log(`${name}; 5 fold heads + final head, mirror rows + flip TTA; ${describeMachine()}`);
console.log('| run | load (1 min) | wall s | CPU s | max abs Δp out-of-fold vs 1e-9 solve | the same, final head | pooled accuracy |');
console.log('|---|---|---|---|---|---|---|');
for (let round = 0; round < ROUNDS; round++) {
  for (const [label, solve] of [['before: one by one, warm-started, tfjs, uncentred', oneByOne], ['after: side by side, centred, blocked products', solveLinearHeads]] as const) {
    const load = os.loadavg()[0]!.toFixed(1);
    const r = await run(solve);
    console.log(`| ${label} | ${load} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} | ${maxDiff(r.outOfFold, best.outOfFold).toExponential(1)} | ${maxDiff(r.final, best.final).toExponential(1)} | ${r.pooled.toFixed(4)} |`);
  }
}
