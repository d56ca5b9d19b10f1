// "Doesn't look like any class": an outlier score per photo from cached backbone features, labeled or not. The mean
// cosine distance to the k nearest labeled photos (never the photo itself), divided by the typical such distance
// in the photo's class (its label, or the majority class of its neighbours when unlabeled). ~1 = typical, higher =
// farther from every labeled photo than that class's photos usually are. Why this and not Mahalanobis, and how the
// neighbours are found fast (kept lists + an exact product): docs/training.md ("Outlier queue").
import type { NeighbourCache } from '../neighbours/neighbour-cache-file.js';
import { updateNeighbourLists, type NeighbourLists, type NeighbourUpdate } from '../neighbours/neighbour-lists.js';
import { normalizeRows, similarityTopK, type SimilarityEngine } from '../neighbours/similarity-top-k.js';

export const OUTLIER_NEIGHBOURS = 5;
/**
 * Kept neighbour lists are built (all × all) from this share of labeled photos: below it most lists would hold fewer
 * than k labeled photos, and the product against the few labeled ones is cheaper. Lists built before are kept up to
 * date and used at any share: a row they cannot answer costs what it would without them.
 */
export const KEPT_LISTS_MIN_LABELED = 0.25;

export interface OutlierInput {
  /** row-major, `count` rows of `dim` floats (one plain view per photo) */
  features: Float32Array;
  dim: number;
  /** class index per row, −1 for unlabeled rows (they are scored but are no one's neighbour) */
  labels: Int32Array;
  numClasses: number;
  k?: number;
}

export interface NeighbourSource {
  /** photo id per row: the kept lists are by photo */
  ids: Int32Array;
  cache: NeighbourCache;
}

export interface NearestLabeled {
  /** per row: mean cosine distance to its k nearest labeled rows, and their majority class */
  distance: Float32Array;
  neighbourClass: Int32Array;
  /** how the kept lists were brought up to date (null: not used), and rows computed against the labeled ones */
  lists: Omit<NeighbourUpdate, 'lists'> | null;
  exactRows: number;
  /** what computed those rows */
  exactEngine: SimilarityEngine | null;
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Per row, its k nearest labeled rows from the lists, or null when the list holds fewer and is not every photo. */
function fromLists(lists: NeighbourLists, labels: Int32Array, k: number): Array<Array<{ row: number; similarity: number }> | null> {
  const rowOf = new Map<number, number>();
  lists.ids.forEach((id, row) => rowOf.set(id, row));
  const count = lists.ids.length;
  return Array.from({ length: count }, (_, row) => {
    const found: Array<{ row: number; similarity: number }> = [];
    const length = lists.lengths[row] as number;
    for (let j = 0; j < length && found.length < k; j++) {
      const other = rowOf.get(lists.neighbours[row * lists.width + j] as number) as number;
      if ((labels[other] as number) >= 0) found.push({ row: other, similarity: lists.similarities[row * lists.width + j] as number });
    }
    return found.length === k || length === count - 1 ? found : null;
  });
}

/** Per row: mean distance to its k nearest labeled rows, and their majority class. */
export async function nearestLabeled(input: OutlierInput, options: { source?: NeighbourSource; engine?: SimilarityEngine } = {}): Promise<NearestLabeled> {
  const { features, dim, labels, numClasses } = input;
  const count = labels.length;
  const references = Array.from(labels.keys()).filter((i) => (labels[i] as number) >= 0);
  const k = Math.min(input.k ?? OUTLIER_NEIGHBOURS, references.length - 1);
  const distance = new Float32Array(count).fill(NaN);
  const neighbourClass = new Int32Array(count).fill(-1);
  if (k < 1) return { distance, neighbourClass, lists: null, exactRows: 0, exactEngine: null };

  let nearest: Array<Array<{ row: number; similarity: number }> | null> = new Array(count).fill(null);
  let lists: NearestLabeled['lists'] = null;
  const { source } = options;
  const fullBuild = references.length >= count * KEPT_LISTS_MIN_LABELED;
  const previous = source ? source.cache.load() : null;
  const update =
    source && (fullBuild || previous)
      ? await updateNeighbourLists(previous, { ids: source.ids, features, dim }, { fullBuild, ...(options.engine ? { engine: options.engine } : {}) })
      : null;
  if (source && update) {
    if (update.computed > 0 || update.removed > 0) source.cache.save(update.lists);
    nearest = fromLists(update.lists, labels, k);
    lists = { reused: update.reused, computed: update.computed, removed: update.removed, engine: update.engine };
  }
  const exact = Array.from(nearest.keys()).filter((row) => nearest[row] === null);
  let exactEngine: SimilarityEngine | null = null;
  if (exact.length > 0) {
    // k + 1 nearest: a labeled row finds itself first (ties with exact copies are fine: any one is dropped)
    const top = await similarityTopK(normalizeRows(features, dim, exact), normalizeRows(features, dim, references), dim, k + 1, options.engine);
    exactEngine = top.engine;
    exact.forEach((row, r) => {
      const found: Array<{ row: number; similarity: number }> = [];
      for (let j = 0; j <= k && found.length < k; j++) {
        const ref = references[top.indices[r * (k + 1) + j] as number] as number;
        if (ref !== row) found.push({ row: ref, similarity: top.values[r * (k + 1) + j] as number });
      }
      nearest[row] = found;
    });
  }
  nearest.forEach((found, row) => {
    const votes = new Array<number>(numClasses).fill(0);
    let sum = 0;
    for (const n of found!) {
      sum += 1 - n.similarity;
      votes[labels[n.row] as number]! += 1;
    }
    distance[row] = sum / found!.length;
    neighbourClass[row] = votes.indexOf(Math.max(...votes));
  });
  return { distance, neighbourClass, lists, exactRows: exact.length, exactEngine };
}

/** One score per row (higher = less like any labeled photo); NaN when there are too few labeled photos. */
export function scoresFromNeighbours(input: Pick<OutlierInput, 'labels' | 'numClasses'>, { distance, neighbourClass }: Pick<NearestLabeled, 'distance' | 'neighbourClass'>): Float32Array {
  const classOf = (i: number) => ((input.labels[i] as number) >= 0 ? (input.labels[i] as number) : (neighbourClass[i] as number));
  const byClass = Array.from({ length: input.numClasses }, () => [] as number[]);
  input.labels.forEach((label, i) => {
    if (label >= 0 && Number.isFinite(distance[i])) byClass[label]!.push(distance[i] as number);
  });
  const spread = byClass.map(median);
  return Float32Array.from(distance, (d, i) => {
    const s = spread[classOf(i)] ?? NaN;
    return s > 0 ? d / s : d;
  });
}

/** One score per row (higher = less like any labeled photo); NaN when there are too few labeled photos. */
export async function outlierScores(input: OutlierInput, options: { source?: NeighbourSource; engine?: SimilarityEngine } = {}): Promise<Float32Array> {
  return scoresFromNeighbours(input, await nearestLabeled(input, options));
}

/**
 * A run's outlier scores from its plain features (view 0): labeled rows first, then unlabeled, the order the run's
 * prediction rows have. Non-finite scores (too few labeled photos) become null. With `source` (photo ids in that
 * order and the library's kept lists) a retrain over the same photos reuses the neighbours.
 */
export async function runOutlierScores(
  labeled: { dim: number; views: readonly Float32Array[] },
  labels: Int32Array,
  unlabeled: { views: readonly Float32Array[]; count: number } | null,
  numClasses: number,
  source?: NeighbourSource,
): Promise<Array<number | null>> {
  const plainLabeled = labeled.views[0] as Float32Array;
  const plainUnlabeled = unlabeled ? (unlabeled.views[0] as Float32Array) : new Float32Array(0);
  const features = new Float32Array(plainLabeled.length + plainUnlabeled.length);
  features.set(plainLabeled);
  features.set(plainUnlabeled, plainLabeled.length);
  const allLabels = new Int32Array(labels.length + (unlabeled?.count ?? 0)).fill(-1);
  allLabels.set(labels);
  const scores = await outlierScores({ features, dim: labeled.dim, labels: allLabels, numClasses }, source ? { source } : {});
  return Array.from(scores, (s) => (Number.isFinite(s) ? s : null));
}
