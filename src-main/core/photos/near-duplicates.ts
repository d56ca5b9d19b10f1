// Near-duplicate groups: photos whose perceptual hashes differ in at most DUPLICATE_MAX_DISTANCE bits.
//
// Index: the 64-bit hash is cut into 4 bands of 16 bits (multi-index hashing, Norouzi et al., "Fast Search
// in Hamming Space with Multi-Index Hashing", CVPR 2012). If two hashes differ in ≤ 10 bits, by pigeonhole
// one band differs in ≤ 2 bits, so probing each band's bucket and its 136 neighbours within 2 bit flips finds
// every pair without comparing all n² pairs. Buckets are flat typed arrays (counting sort), not Maps.
import type { Database } from 'better-sqlite3';
import { popcount32 } from './perceptual-hash.js';

/**
 * Measured on the alpaca set with dHash: the re-encoded pair (09915aad…, 5f843228…) is 7 bits apart, the
 * closest unrelated pair 13 bits (then 14, 15 ×9 …). 10 sits in the middle of that gap.
 */
export const DUPLICATE_MAX_DISTANCE = 10;
const BANDS = 4;
const BAND_BITS = 16;
const PROBE_RADIUS = Math.floor(DUPLICATE_MAX_DISTANCE / BANDS);

/** Every 16-bit mask with at most PROBE_RADIUS bits set (1 + 16 + 120 for radius 2). */
function probeMasks(radius: number): number[] {
  const masks = [0];
  for (let a = 0; a < BAND_BITS && radius >= 1; a++) {
    masks.push(1 << a);
    for (let b = a + 1; b < BAND_BITS && radius >= 2; b++) masks.push((1 << a) | (1 << b));
  }
  if (radius > 2) throw new Error(`probe radius ${radius} not supported: lower DUPLICATE_MAX_DISTANCE or add bands`);
  return masks;
}

interface BandIndex {
  hi: Uint32Array;
  lo: Uint32Array;
  values: Uint16Array;
  start: Uint32Array;
  order: Uint32Array;
  /** hi/lo copied in bucket order, so scanning a bucket reads contiguous memory */
  sortedHi: Uint32Array;
  sortedLo: Uint32Array;
  masks: Int32Array;
  sets: UnionFind;
  maxDistance: number;
}

/** The hot loop, kept out of the generator so V8 optimizes it like any function. */
function joinCloseHashes(index: BandIndex, from: number, to: number): void {
  const { hi, lo, values, start, order, sortedHi, sortedLo, masks, sets, maxDistance } = index;
  for (let i = from; i < to; i++) {
    const value = values[i]!;
    const h = hi[i]!;
    const l = lo[i]!;
    for (let m = 0; m < masks.length; m++) {
      const probe = value ^ masks[m]!;
      // each unordered pair once: same bucket → only j > i; different buckets → only from the smaller value
      if (probe < value) continue;
      const end = start[probe + 1]!;
      for (let k = start[probe]!; k < end; k++) {
        if (popcount32(h ^ sortedHi[k]!) + popcount32(l ^ sortedLo[k]!) > maxDistance) continue;
        const j = order[k]!;
        if (probe !== value || j > i) sets.union(i, j);
      }
    }
  }
}

export class UnionFind {
  readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root] ?? root;
    for (let j = i; this.parent[j] !== root; ) {
      const next = this.parent[j] ?? root;
      this.parent[j] = root;
      j = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * Groups items by connected components of "distance ≤ maxDistance". Returns, for every item in a group of
 * two or more, its group id = the smallest id in the group. Singletons are absent.
 */
export function groupNearDuplicates(
  items: readonly { id: number; phash: string }[],
  maxDistance = DUPLICATE_MAX_DISTANCE,
): Map<number, number> {
  const steps = groupSteps(items, maxDistance);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/** The same, giving the event loop a turn every few milliseconds (100k photos take about a second). */
export async function groupNearDuplicatesAsync(
  items: readonly { id: number; phash: string }[],
  maxDistance = DUPLICATE_MAX_DISTANCE,
): Promise<Map<number, number>> {
  const steps = groupSteps(items, maxDistance);
  let step = steps.next();
  while (!step.done) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    step = steps.next();
  }
  return step.value;
}

const ITEMS_PER_STEP = 4096;

function* groupSteps(items: readonly { id: number; phash: string }[], maxDistance: number): Generator<void, Map<number, number>> {
  const n = items.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  items.forEach((item, i) => {
    hi[i] = parseInt(item.phash.slice(0, 8), 16) >>> 0;
    lo[i] = parseInt(item.phash.slice(8, 16), 16) >>> 0;
  });

  const masks = Int32Array.from(probeMasks(Math.floor(maxDistance / BANDS)));
  const sets = new UnionFind(n);
  const values = new Uint16Array(n);
  const start = new Uint32Array(65537);
  const order = new Uint32Array(n);
  const sortedHi = new Uint32Array(n);
  const sortedLo = new Uint32Array(n);
  for (let band = 0; band < BANDS; band++) {
    const word = band < 2 ? hi : lo;
    const shift = band % 2 === 0 ? 16 : 0;
    for (let i = 0; i < n; i++) values[i] = (word[i]! >>> shift) & 0xffff;
    // counting sort of item indexes by band value: members of value v are order[start[v] .. start[v+1])
    start.fill(0);
    for (let i = 0; i < n; i++) start[values[i]! + 1]! += 1;
    for (let v = 0; v < 65536; v++) start[v + 1]! += start[v]!;
    const fill = start.slice(0, 65536);
    for (let i = 0; i < n; i++) order[fill[values[i]!]!++] = i;
    for (let k = 0; k < n; k++) {
      sortedHi[k] = hi[order[k]!]!;
      sortedLo[k] = lo[order[k]!]!;
    }

    for (let from = 0; from < n; from += ITEMS_PER_STEP) {
      joinCloseHashes({ hi, lo, values, start, order, sortedHi, sortedLo, masks, sets, maxDistance }, from, Math.min(n, from + ITEMS_PER_STEP));
      yield;
    }
  }

  const minIdOfRoot = new Map<number, number>();
  const sizeOfRoot = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const root = sets.find(i);
    const id = items[i]!.id;
    minIdOfRoot.set(root, Math.min(minIdOfRoot.get(root) ?? id, id));
    sizeOfRoot.set(root, (sizeOfRoot.get(root) ?? 0) + 1);
  }
  const groups = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const root = sets.find(i);
    if ((sizeOfRoot.get(root) ?? 0) > 1) groups.set(items[i]!.id, minIdOfRoot.get(root)!);
  }
  return groups;
}

/** Recomputes photos.dup_group for the whole library; writes only rows whose group changed. */
export async function updateDuplicateGroups(db: Database): Promise<{ groups: Map<number, number[]>; changedRows: number }> {
  const rows = db.prepare('SELECT id, phash, dup_group FROM photos WHERE phash IS NOT NULL').all() as {
    id: number;
    phash: string;
    dup_group: number | null;
  }[];
  const groupOf = await groupNearDuplicatesAsync(rows);
  const update = db.prepare('UPDATE photos SET dup_group = ? WHERE id = ?');
  let changedRows = 0;
  db.transaction(() => {
    for (const row of rows) {
      const group = groupOf.get(row.id) ?? null;
      if (group !== row.dup_group) {
        update.run(group, row.id);
        changedRows++;
      }
    }
    // rows that lost their hash (none today) must not keep a stale group
    db.prepare('UPDATE photos SET dup_group = NULL WHERE phash IS NULL AND dup_group IS NOT NULL').run();
  }).immediate();
  const groups = new Map<number, number[]>();
  for (const [id, group] of groupOf) {
    const members = groups.get(group);
    if (members) members.push(id);
    else groups.set(group, [id]);
  }
  return { groups, changedRows };
}
