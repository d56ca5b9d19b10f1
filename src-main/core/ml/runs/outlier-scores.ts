// "Doesn't look like any class": an outlier score per photo from cached backbone features, labeled or not. The mean
// cosine distance to the k nearest labeled photos (never the photo itself), divided by the typical such distance
// in the photo's class (its label, or the majority class of its neighbours when unlabeled). ~1 = typical, higher =
// farther from every labeled photo than that class's photos usually are. Why this and not Mahalanobis:
// docs/training.md ("Outlier queue").
import * as tf from '@tensorflow/tfjs';

export const OUTLIER_NEIGHBOURS = 5;
const QUERY_CHUNK = 256;

export interface OutlierInput {
  /** row-major, `count` rows of `dim` floats (one plain view per photo) */
  features: Float32Array;
  dim: number;
  /** class index per row, −1 for unlabeled rows (they are scored but are no one's neighbour) */
  labels: Int32Array;
  numClasses: number;
  k?: number;
}

function normalizedRows(features: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (features[row * dim + d] as number) ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) out[i * dim + d] = (features[row * dim + d] as number) * scale;
  });
  return out;
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Per row: mean distance to its k nearest labeled rows, and their majority class. */
export function nearestLabeled(input: OutlierInput): { distance: Float32Array; neighbourClass: Int32Array } {
  const { features, dim, labels, numClasses } = input;
  const count = labels.length;
  const references = Array.from(labels.keys()).filter((i) => (labels[i] as number) >= 0);
  const k = Math.min(input.k ?? OUTLIER_NEIGHBOURS, references.length - 1);
  const distance = new Float32Array(count).fill(NaN);
  const neighbourClass = new Int32Array(count).fill(-1);
  if (k < 1) return { distance, neighbourClass };
  // stored transposed (dim × references): a plain product runs ~2× faster on the wasm backend than transposeB
  const referenceMatrix = tf.tidy(() => tf.transpose(tf.tensor2d(normalizedRows(features, dim, references), [references.length, dim])));
  try {
    for (let start = 0; start < count; start += QUERY_CHUNK) {
      const rows = Array.from({ length: Math.min(QUERY_CHUNK, count - start) }, (_, i) => start + i);
      // k + 1 nearest: a labeled row finds itself first (ties with exact copies are fine: any one is dropped)
      const { values, indices } = tf.tidy(() => {
        const queries = tf.tensor2d(normalizedRows(features, dim, rows), [rows.length, dim]);
        const top = tf.topk(tf.matMul(queries, referenceMatrix), k + 1);
        return { values: top.values.dataSync() as Float32Array, indices: top.indices.dataSync() as Int32Array };
      });
      rows.forEach((row, r) => {
        const votes = new Array<number>(numClasses).fill(0);
        let sum = 0;
        let used = 0;
        for (let j = 0; j <= k && used < k; j++) {
          const ref = references[indices[r * (k + 1) + j] as number] as number;
          if (ref === row) continue;
          sum += 1 - (values[r * (k + 1) + j] as number);
          votes[labels[ref] as number]! += 1;
          used++;
        }
        distance[row] = sum / used;
        neighbourClass[row] = votes.indexOf(Math.max(...votes));
      });
    }
  } finally {
    referenceMatrix.dispose();
  }
  return { distance, neighbourClass };
}

/** One score per row (higher = less like any labeled photo); NaN when there are too few labeled photos. */
export function outlierScores(input: OutlierInput): Float32Array {
  const { distance, neighbourClass } = nearestLabeled(input);
  const classOf = (i: number) => ((input.labels[i] as number) >= 0 ? (input.labels[i] as number) : (neighbourClass[i] as number));
  const spread = Array.from({ length: input.numClasses }, (_, c) =>
    median(Array.from(input.labels.keys()).filter((i) => input.labels[i] === c && Number.isFinite(distance[i])).map((i) => distance[i] as number)),
  );
  return Float32Array.from(distance, (d, i) => {
    const s = spread[classOf(i)] ?? NaN;
    return s > 0 ? d / s : d;
  });
}

/**
 * A run's outlier scores from its plain features (view 0): labeled rows first, then unlabeled, the order the run's
 * prediction rows have. Non-finite scores (too few labeled photos) become null.
 */
export function runOutlierScores(
  labeled: { dim: number; views: readonly Float32Array[] },
  labels: Int32Array,
  unlabeled: { views: readonly Float32Array[]; count: number } | null,
  numClasses: number,
): Array<number | null> {
  const plainLabeled = labeled.views[0] as Float32Array;
  const plainUnlabeled = unlabeled ? (unlabeled.views[0] as Float32Array) : new Float32Array(0);
  const features = new Float32Array(plainLabeled.length + plainUnlabeled.length);
  features.set(plainLabeled);
  features.set(plainUnlabeled, plainLabeled.length);
  const allLabels = new Int32Array(labels.length + (unlabeled?.count ?? 0)).fill(-1);
  allLabels.set(labels);
  return Array.from(outlierScores({ features, dim: labeled.dim, labels: allLabels, numClasses }), (s) => (Number.isFinite(s) ? s : null));
}
