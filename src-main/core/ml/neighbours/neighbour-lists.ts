// Each photo's nearest photos by cosine similarity of its plain features, kept between retrains: they depend on the
// features and on which photos there are, never on the labels. Built once (all × all), then updated exactly when
// photos come and go: a list minus removed photos is still the exact nearest among those left, and a merge with the
// new photos' candidates is exact down to the first entry either side may have cut off.
import { normalizeRows, selectRows, similarityTopK, type SimilarityEngine } from './similarity-top-k.js';

/** Neighbours stored per photo. */
export const STORED_NEIGHBOURS = 32;

export interface NeighbourLists {
  /** photo id per row */
  ids: Int32Array;
  /** fingerprint of each row's feature vector: a changed vector is a removed photo plus a new one */
  fingerprints: Uint32Array;
  /** neighbours per row at most */
  width: number;
  /** row r's first lengths[r] entries are exact, most similar first; photo ids, then −1 */
  neighbours: Int32Array;
  similarities: Float32Array;
  lengths: Int32Array;
}

export interface NeighbourInput {
  ids: Int32Array;
  /** row-major, one plain feature vector per id */
  features: Float32Array;
  dim: number;
}

export interface NeighbourUpdate {
  lists: NeighbourLists;
  /** rows whose list came from the previous lists (possibly merged) / were computed against every photo now */
  reused: number;
  computed: number;
  removed: number;
  engine: SimilarityEngine | null;
}

/** FNV-1a over the float bits: equal vectors, equal fingerprints; a re-embedded photo almost surely differs. */
export function featureFingerprints(features: Float32Array, dim: number): Uint32Array {
  const bits = new Uint32Array(features.buffer, features.byteOffset, features.length);
  const count = features.length / dim;
  const out = new Uint32Array(count);
  for (let r = 0; r < count; r++) {
    let hash = 0x811c9dc5;
    for (let d = r * dim; d < (r + 1) * dim; d++) hash = Math.imul(hash ^ (bits[d] as number), 0x01000193);
    out[r] = hash >>> 0;
  }
  return out;
}

function emptyLists(ids: Int32Array, fingerprints: Uint32Array, width: number): NeighbourLists {
  return {
    ids,
    fingerprints,
    width,
    neighbours: new Int32Array(ids.length * width).fill(-1),
    similarities: new Float32Array(ids.length * width),
    lengths: new Int32Array(ids.length),
  };
}

type Entry = { id: number; similarity: number };

function rowEntries(lists: NeighbourLists, row: number): Entry[] {
  const out: Entry[] = [];
  for (let j = 0; j < (lists.lengths[row] as number); j++) {
    out.push({ id: lists.neighbours[row * lists.width + j] as number, similarity: lists.similarities[row * lists.width + j] as number });
  }
  return out;
}

function setRow(lists: NeighbourLists, row: number, entries: readonly Entry[]): void {
  const n = Math.min(entries.length, lists.width);
  lists.neighbours.fill(-1, row * lists.width, (row + 1) * lists.width);
  for (let j = 0; j < n; j++) {
    lists.neighbours[row * lists.width + j] = entries[j]!.id;
    lists.similarities[row * lists.width + j] = entries[j]!.similarity;
  }
  lists.lengths[row] = n;
}

/** Rows `rows` (or all, in order) against every photo: their exact nearest (themselves left out). */
async function computeRows(
  lists: NeighbourLists,
  normalized: Float32Array,
  dim: number,
  which: readonly number[] | 'all',
  engine: SimilarityEngine | undefined,
): Promise<SimilarityEngine | null> {
  const count = lists.ids.length;
  const rows = which === 'all' ? Array.from({ length: count }, (_, row) => row) : which;
  const k = Math.min(lists.width + 1, count);
  if (rows.length === 0 || count < 2) {
    for (const row of rows) lists.lengths[row] = 0;
    return null;
  }
  // (a symmetric product computing each block once, top-k along both axes, measured no cheaper on ONNX Runtime)
  const top = await similarityTopK(which === 'all' ? normalized : selectRows(normalized, dim, rows), normalized, dim, k, engine);
  rows.forEach((row, q) => {
    const entries: Entry[] = [];
    for (let j = 0; j < k; j++) {
      const other = top.indices[q * k + j] as number;
      if (other !== row) entries.push({ id: lists.ids[other] as number, similarity: top.values[q * k + j] as number });
    }
    // a duplicate may tie with the row itself and push it out of the top k: keep k − 1 either way
    setRow(lists, row, entries.slice(0, k - 1));
  });
  return top.engine;
}

/**
 * The lists for `input`, from `previous` (lists of the same feature key, or null) where it still holds: photos
 * neither added nor changed keep theirs (minus removed photos, merged with the new ones); new photos are compared
 * with all; when over half are new everything is computed again.
 */
export async function updateNeighbourLists(
  previous: NeighbourLists | null,
  input: NeighbourInput,
  options?: { width?: number; engine?: SimilarityEngine; fullBuild?: true },
): Promise<NeighbourUpdate>;
/** With `fullBuild: false`: null instead of computing every list (no usable previous lists). */
export async function updateNeighbourLists(
  previous: NeighbourLists | null,
  input: NeighbourInput,
  options: { width?: number; engine?: SimilarityEngine; fullBuild: boolean },
): Promise<NeighbourUpdate | null>;
export async function updateNeighbourLists(
  previous: NeighbourLists | null,
  input: NeighbourInput,
  options: { width?: number; engine?: SimilarityEngine; fullBuild?: boolean } = {},
): Promise<NeighbourUpdate | null> {
  const { ids, features, dim } = input;
  const count = ids.length;
  const width = options.width ?? previous?.width ?? STORED_NEIGHBOURS;
  const fingerprints = featureFingerprints(features, dim);
  const lists = emptyLists(ids, fingerprints, width);
  // normalized only when something has to be computed: a retrain over the same photos never needs it
  let normalizedRows: Float32Array | null = null;
  const normalized = () => (normalizedRows ??= normalizeRows(features, dim));
  const rowOf = new Map<number, number>();
  ids.forEach((id, row) => rowOf.set(id, row));

  const previousRowOf = new Map<number, number>();
  const kept = new Set<number>();
  if (previous && previous.width === width) {
    previous.ids.forEach((id, row) => {
      const now = rowOf.get(id);
      if (now !== undefined && previous.fingerprints[row] === fingerprints[now]) {
        previousRowOf.set(id, row);
        kept.add(id);
      }
    });
  }
  const removed = previous ? previous.ids.length - kept.size : 0;
  const all = Array.from({ length: count }, (_, row) => row);
  if (kept.size < count / 2) {
    if (options.fullBuild === false) return null;
    const engine = await computeRows(lists, normalized(), dim, 'all', options.engine);
    return { lists, reused: 0, computed: count, removed, engine };
  }

  const keptRows = all.filter((row) => kept.has(ids[row] as number));
  const newRows = all.filter((row) => !kept.has(ids[row] as number));
  const keptOthers = keptRows.length - 1;
  // the kept photos against the new ones: their candidates to merge
  const newCandidates = Math.min(width, newRows.length);
  const fromNew =
    newCandidates > 0 ? await similarityTopK(selectRows(normalized(), dim, keptRows), selectRows(normalized(), dim, newRows), dim, newCandidates, options.engine) : null;
  const refresh: number[] = [];
  keptRows.forEach((row, q) => {
    const old = rowEntries(previous!, previousRowOf.get(ids[row] as number) as number).filter((e) => kept.has(e.id));
    const oldComplete = old.length === keptOthers;
    const candidates: Entry[] = [];
    for (let j = 0; j < newCandidates; j++) {
      candidates.push({ id: ids[newRows[fromNew!.indices[q * newCandidates + j] as number] as number] as number, similarity: fromNew!.values[q * newCandidates + j] as number });
    }
    const newComplete = newCandidates === newRows.length;
    // below the last entry a side kept, that side may hold photos it cut off: only what is above both is exact
    let floor = -Infinity;
    if (!oldComplete) floor = old.length > 0 ? old[old.length - 1]!.similarity : Infinity;
    if (!newComplete && candidates.length > 0) floor = Math.max(floor, candidates[candidates.length - 1]!.similarity);
    const merged = [...old, ...candidates].sort((a, b) => b.similarity - a.similarity).filter((e) => e.similarity >= floor);
    setRow(lists, row, merged);
    // lists worn down by removals are computed again, so "k nearest labeled" rarely has to fall back
    if ((lists.lengths[row] as number) < Math.min(width, count - 1) / 2) refresh.push(row);
  });
  const recompute = [...newRows, ...refresh];
  const engine = recompute.length > 0 ? await computeRows(lists, normalized(), dim, recompute, options.engine) : null;
  return { lists, reused: keptRows.length - refresh.length, computed: newRows.length + refresh.length, removed, engine: engine ?? fromNew?.engine ?? null };
}
