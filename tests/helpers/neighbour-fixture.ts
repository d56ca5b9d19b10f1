// Real-looking features for neighbour tests (3 Gaussian classes, some photos unlabeled), a brute-force cosine k-NN to
// check the fast paths against, and a child process that reuses a library's kept neighbour lists.
import { syntheticFeatures } from './synthetic-features.js';

export const FIXTURE_DIM = 48;

/** `count` photos with ids 1000 + row; every third unlabeled (label −1), the rest labeled by their class. */
export function neighbourFixture(count: number, seed = 5) {
  const classes = Array.from({ length: count }, (_, i) => i % 3);
  const features = syntheticFeatures({ labels: classes, dim: FIXTURE_DIM, numClasses: 3, separation: 1.5, seed }).views[0]!;
  const labels = Int32Array.from(classes, (c, i) => (i % 3 === 1 && i % 2 === 0 ? -1 : c));
  const ids = Int32Array.from(classes, (_, i) => 1000 + i);
  return { features, labels, ids, dim: FIXTURE_DIM, numClasses: 3 };
}

export function cosine(features: Float32Array, dim: number, a: number, b: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let d = 0; d < dim; d++) {
    const x = features[a * dim + d] as number;
    const y = features[b * dim + d] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

/** Rows other than `row` (among `candidates`), most similar first. */
export function bruteForceNearest(features: Float32Array, dim: number, row: number, candidates: readonly number[]): number[] {
  return candidates
    .filter((c) => c !== row)
    .map((c) => ({ c, s: cosine(features, dim, row, c) }))
    .sort((x, y) => y.s - x.s)
    .map((x) => x.c);
}

/** Mean cosine distance to the k nearest labeled rows and their majority class, one row at a time in plain JS. */
export function bruteForceNearestLabeled(features: Float32Array, dim: number, labels: Int32Array, numClasses: number, k: number) {
  const labeled = Array.from(labels.keys()).filter((i) => (labels[i] as number) >= 0);
  return Array.from(labels, (_, row) => {
    const nearest = bruteForceNearest(features, dim, row, labeled).slice(0, k);
    const votes = new Array<number>(numClasses).fill(0);
    for (const n of nearest) votes[labels[n] as number]! += 1;
    return {
      nearest,
      distance: nearest.reduce((sum, n) => sum + 1 - cosine(features, dim, row, n), 0) / k,
      neighbourClass: votes.indexOf(Math.max(...votes)),
    };
  });
}
