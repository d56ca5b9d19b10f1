// The linear head fitted by full-batch L-BFGS (linear-head-fit.ts) against the mini-batch Adam head (head-recipe.ts)
// on the alpaca features (MobileNetV2 1.0, centre crop 288, mirror rows + flip TTA, 5-fold CV × seeds): accuracy,
// log loss, head time, and how far out-of-fold probabilities move with a warm start vs a cold one.
// Needs the features cached in .tmp/alpaca-library-1.0 (bench/experiments/frozen-features.ts crop-288 makes them).
// Run: `node bin/run-ts.js bench/experiments/full-batch-head.ts`; STUDIO_SEEDS=1,2,3; STUDIO_DROPOUTS=0.2,0.1;
// STUDIO_NO_ADAM=1 / STUDIO_NO_LABEL_ERRORS=1 skip parts; STUDIO_DUMP=f writes the last solver's out-of-fold rows,
// STUDIO_REF=f prints their largest difference from such a file (e.g. a run with a tighter tolerance).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJobContext } from '../../src-main/core/jobs/job-context.js';
import { openLibrary } from '../../src-main/core/library/library.js';
import { selectBackend } from '../../src-main/core/ml/backbone/backend.js';
import { featureReader } from '../../src-main/core/ml/features/feature-cache.js';
import { snapshotDataset } from '../../src-main/core/ml/runs/dataset-snapshot.js';
import { crossValidateHead, type HeadRecipe, type RecipeData } from '../../src-main/core/ml/training/head-recipe.js';
import { crossValidateLinear } from '../../src-main/core/ml/training/linear-head-fit.js';
import { logLoss, meanStd } from '../../src-main/core/ml/training/metrics.js';
import { labelErrorScores } from '../../src-main/core/ml/runs/label-errors.js';
import { createRandom, shuffleInPlace } from '../../src-main/core/ml/features/seeded-random.js';
import { assignFolds } from '../../src-main/core/ml/training/split.js';
import { DEFAULT_TRAINING_CONFIG } from '../../src-main/core/ml/training/training-config.js';

const ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const LIBRARY_DIR = path.join(ROOT, '.tmp', 'alpaca-library-1.0');
const SEEDS = (process.env.STUDIO_SEEDS ?? '1,2,3').split(',').map(Number);
const DROPOUTS = (process.env.STUDIO_DROPOUTS ?? '0.2').split(',').map(Number);
const K = 5;

await selectBackend((process.env.STUDIO_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm');
const library = openLibrary(LIBRARY_DIR);
const { labeled } = snapshotDataset(library.db);
const key = library.db.prepare("SELECT backbone_id AS backboneId, input_size AS inputSize FROM features WHERE input_size = 288 LIMIT 1").get() as { backboneId: string; inputSize: number };
const read = featureReader(library.db, key);
const dim = 1280;
const plain = new Float32Array(labeled.length * dim);
const flipped = new Float32Array(labeled.length * dim);
labeled.forEach((p, i) => {
  plain.set(read(p.contentHash, 'original')!, i * dim);
  flipped.set(read(p.contentHash, 'flip')!, i * dim);
});
const labels = Int32Array.from(labeled, (p) => p.classIndex);
const data: RecipeData = { features: { dim, count: labeled.length, views: [plain] }, labels, flipped };
const splitPhotos = labeled.map((p) => ({ id: p.id, classIndex: p.classIndex, dupGroup: p.dupGroup, sortKey: p.contentHash }));
const c = DEFAULT_TRAINING_CONFIG;
const head = { inputDim: dim, numClasses: 2, hiddenUnits: [], dropout: c.dropout };
const quiet = createJobContext({});
const fmt = (xs: number[], digits = 4) => {
  const { mean, std } = meanStd(xs);
  return `${mean.toFixed(digits)} ± ${std.toFixed(digits === 4 ? 3 : digits)}`;
};

console.log(`alpaca: ${labeled.length} photos, 1.0 crop 288, mirror rows + flip TTA, ${K}-fold × seeds ${SEEDS.join(', ')}`);
console.log('| head | CV accuracy (folds × seeds) | pooled accuracy | out-of-fold log loss | head s per 5-fold run |');
console.log('|---|---|---|---|---|');
const solvers: Array<{ name: string; dropout: number; run: typeof crossValidateHead | typeof crossValidateLinear }> = [
  ...(process.env.STUDIO_NO_ADAM ? [] : [{ name: 'Adam, 20 epochs, batch 32, dropout 0.2 (before)', dropout: 0.2, run: crossValidateHead }]),
  ...DROPOUTS.map((d) => ({ name: `full-batch L-BFGS, dropout ${d} as L2`, dropout: d, run: crossValidateLinear })),
];
const outOfFold = new Map<string, Float32Array[]>();
for (const solver of solvers) {
  const folds: number[] = [];
  const pooled: number[] = [];
  const losses: number[] = [];
  let seconds = 0;
  for (const seed of SEEDS) {
    const recipe: HeadRecipe = {
      options: { epochs: c.epochs, batchSize: c.batchSize, learningRate: c.learningRate, classWeight: c.classWeights, dropout: solver.dropout, seed },
      flipRows: true,
      flipTta: true,
      l2Grid: null,
    };
    const assigned = assignFolds(splitPhotos, { k: K, seed });
    const foldOf = Int32Array.from(labeled, (p) => assigned.get(p.id) as number);
    const t = performance.now();
    const cv = await solver.run({ data, folds: foldOf, k: K, head, recipe, ctx: quiet });
    seconds += (performance.now() - t) / 1000;
    folds.push(...cv.accuracies);
    pooled.push(cv.pooledAccuracy);
    losses.push(logLoss(labels, cv.outOfFold, 2));
    outOfFold.set(solver.name, [...(outOfFold.get(solver.name) ?? []), cv.outOfFold]);
  }
  console.log(`| ${solver.name} | ${fmt(folds)} | ${fmt(pooled)} | ${fmt(losses)} | ${(seconds / SEEDS.length).toFixed(2)} |`);
}
// The label-error queue with ten flipped labels (five per class, five flipped sets), as alpaca-training.test.ts:
// how many flipped photos each solver puts in the top 20 / top 10 (confident-learning suspects first, then the other
// out-of-fold disagreements, each by margin; review-queues.ts).
if (!process.env.STUDIO_NO_LABEL_ERRORS) {
  const byName = labeled.map((p, i) => ({ i, name: p.path.split('/').pop()!, dup: p.dupGroup, label: p.classIndex })).sort((a, b) => (a.name < b.name ? -1 : 1));
  console.log('\n| head | flipped labels in the top 20 (per set; mean) | in the top 10 (per set; mean) |\n|---|---|---|');
  for (const solver of solvers) {
    const top20: number[] = [];
    const top10: number[] = [];
    for (const flipSeed of [1, 2, 3, 4, 5]) {
      const flipped = [0, 1].flatMap((c) => shuffleInPlace(byName.filter((p) => p.label === c && p.dup === null).map((p) => p.i), createRandom(flipSeed)).slice(0, 5));
      const noisy = Int32Array.from(labels, (l, i) => (flipped.includes(i) ? 1 - l : l));
      const assigned = assignFolds(labeled.map((p, i) => ({ id: p.id, classIndex: noisy[i]!, dupGroup: p.dupGroup, sortKey: p.contentHash })), { k: K, seed: 1 });
      const recipe: HeadRecipe = {
        options: { epochs: c.epochs, batchSize: c.batchSize, learningRate: c.learningRate, classWeight: c.classWeights, dropout: solver.dropout, seed: 1 },
        flipRows: true,
        flipTta: true,
        l2Grid: null,
      };
      const cv = await solver.run({ data: { ...data, labels: noisy }, folds: Int32Array.from(labeled, (p) => assigned.get(p.id)!), k: K, head, recipe, ctx: quiet });
      const items = Array.from(noisy, (label, i) => ({ label, probabilities: [cv.outOfFold[i * 2]!, cv.outOfFold[i * 2 + 1]!] }));
      const scores = labelErrorScores(items, 2);
      const ranked = items
        .map((item, i) => {
          const predicted = item.probabilities[1]! > 0.5 ? 1 : 0;
          if (scores[i] !== null && scores[i] !== undefined) return { i, tier: 0, score: scores[i]! };
          if (predicted !== item.label) return { i, tier: 1, score: item.probabilities[predicted]! - item.probabilities[item.label]! };
          return null;
        })
        .filter((x): x is { i: number; tier: number; score: number } => x !== null)
        .sort((a, b) => a.tier - b.tier || b.score - a.score || labeled[a.i]!.id - labeled[b.i]!.id)
        .map((x) => x.i);
      top20.push(ranked.slice(0, 20).filter((i) => flipped.includes(i)).length);
      top10.push(ranked.slice(0, 10).filter((i) => flipped.includes(i)).length);
    }
    const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1);
    console.log(`| ${solver.name} | ${top20.join(', ')}; ${mean(top20)} | ${top10.join(', ')}; ${mean(top10)} |`);
  }
}
const names = [...outOfFold.keys()];
if (process.env.STUDIO_DUMP) (await import('node:fs')).writeFileSync(process.env.STUDIO_DUMP, Buffer.from(outOfFold.get(names[names.length - 1]!)![0]!.buffer));
if (process.env.STUDIO_REF) {
  const refBytes = Uint8Array.from((await import('node:fs')).readFileSync(process.env.STUDIO_REF));
  const ref = new Float32Array(refBytes.buffer);
  const mine = outOfFold.get(names[names.length - 1]!)![0]!;
  let max = 0;
  for (let i = 0; i < ref.length; i++) max = Math.max(max, Math.abs(ref[i]! - mine[i]!));
  console.log('max |Δp| vs reference', max);
}
library.close();
