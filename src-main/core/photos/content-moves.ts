// Content decides identity before path: when bytes moved between known paths (two files swapped names, a file
// renamed over another), the row (and so its label) follows the bytes, not the name (issue 10, item 8).
//
// Changed files and new copies of known content are collected during the import and settled here at the end,
// when every file's hash is known: a row whose bytes left its path is "released" and can be claimed by the path
// that now holds them. A path's own row may be displaced only if that row itself moves somewhere, so swaps and
// rotations move rows, and anything else (a file overwritten by a copy of another) updates the path's row in place.
import fs from 'node:fs';
import type { Database } from 'better-sqlite3';
import type { FileOutcome } from './process-file.js';
import { writeAtPath } from './commit-outcomes.js';
import { findPhotosByHash, type PhotoWrites } from './photo-writes.js';

export type ContentClaim = Extract<FileOutcome, { kind: 'updated' } | { kind: 'added' }>;

export interface SettledClaim {
  claim: ContentClaim;
  /** what became of the path: another row moved in, its own row updated in place, or a new row */
  result: 'moved' | 'updated' | 'added' | 'unchanged';
  id: number;
}

const ownRow = (claim: ContentClaim) => (claim.kind === 'updated' ? claim.id : null);
const newHash = (claim: ContentClaim) => claim.facts.contentHash;

/**
 * For each claim (by index), the released row that moves to its path. `released` maps a content hash to the rows
 * whose bytes left their path (changed or vanished).
 */
export function planContentMoves(claims: readonly ContentClaim[], released: ReadonlyMap<string, readonly number[]>): Map<number, number> {
  const order = claims.map((_, i) => i).sort((a, b) => (claims[a]!.file.path < claims[b]!.file.path ? -1 : 1));
  const moves = new Map<number, number>();
  const taken = new Set<number>();
  for (const i of order) {
    const claim = claims[i]!;
    const row = (released.get(newHash(claim)) ?? []).find((id) => id !== ownRow(claim) && !taken.has(id));
    if (row !== undefined) {
      moves.set(i, row);
      taken.add(row);
    }
  }
  // a path keeps its own row unless that row moves elsewhere; cancelling one move can undo others, so repeat
  for (let changed = true; changed; ) {
    changed = false;
    for (const [i, row] of moves) {
      const own = ownRow(claims[i]!);
      if (own !== null && !taken.has(own)) {
        moves.delete(i);
        taken.delete(row);
        changed = true;
      }
    }
  }
  return moves;
}

/** Writes the claims; must run inside the caller's (IMMEDIATE) transaction. */
export function settleContentClaims(
  db: Database,
  writes: PhotoWrites,
  claims: readonly ContentClaim[],
  options: { seenPaths: ReadonlySet<string>; claimed: Set<number>; now: string },
): SettledClaim[] {
  const released = new Map<string, number[]>();
  const release = (hash: string, id: number) => {
    const ids = released.get(hash) ?? [];
    if (!ids.includes(id)) released.set(hash, [...ids, id]);
  };
  for (const claim of claims) if (claim.kind === 'updated') release(claim.oldHash, claim.id);
  for (const hash of new Set(claims.map(newHash))) {
    for (const row of findPhotosByHash(db, hash)) {
      if (!options.claimed.has(row.id) && !options.seenPaths.has(row.path) && !fs.existsSync(row.path)) release(hash, row.id);
    }
  }
  const moves = planContentMoves(claims, released);
  // rows change paths among each other: park them on unique placeholders first (photos.path is UNIQUE)
  const parked = new Map<number, string>();
  for (const row of moves.values()) {
    parked.set(row, writes.parkPath(row));
    options.claimed.add(row);
  }
  const placed = new Set<number>();
  const settled = claims.map((claim, i): SettledClaim => {
    const current = writes.findByPath(claim.file.path);
    const row = moves.get(i);
    if (row !== undefined && current === undefined) {
      writes.updateFile(row, claim.file, options.now);
      placed.add(row);
      return { claim, result: 'moved', id: row };
    }
    // the path's own row when it stays, a new row when its own row moved away (or one another process put there)
    return { claim, ...writeAtPath(writes, claim.file, claim.facts, options.now) };
  });
  // only when another process took a path meanwhile: a parked row goes back to its path if that is still free
  for (const [row, path] of parked) if (!placed.has(row) && writes.findByPath(path) === undefined) writes.unparkPath(row, path);
  return settled;
}
