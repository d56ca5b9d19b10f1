// planContentMoves: which row follows its bytes to another path, and when a path keeps its own row.
import { describe, expect, it } from 'vitest';
import { planContentMoves, type ContentClaim } from '../../../src-main/core/photos/content-moves.js';
import type { ContentFacts } from '../../../src-main/core/photos/photo-writes.js';

const facts = (hash: string) => ({ contentHash: hash }) as ContentFacts;
const file = (path: string) => ({ path, sizeBytes: 1, mtimeMs: 1, folderClass: null, fileKey: path, isSymlink: false });
/** a known path (its row `id` held `oldHash`) that now holds `hash` */
const changed = (path: string, id: number, oldHash: string, hash: string): ContentClaim => ({ kind: 'updated', file: file(path), id, oldHash, facts: facts(hash) });
const added = (path: string, hash: string): ContentClaim => ({ kind: 'added', file: file(path), facts: facts(hash), knownContent: true });
const releasedBy = (claims: ContentClaim[], extra: [string, number][] = []) => {
  const map = new Map<string, number[]>();
  for (const c of claims) if (c.kind === 'updated') map.set(c.oldHash, [...(map.get(c.oldHash) ?? []), c.id]);
  for (const [hash, id] of extra) map.set(hash, [...(map.get(hash) ?? []), id]);
  return map;
};

describe('planContentMoves', () => {
  it('moves every row of a three-way rotation of names', () => {
    const claims = [changed('/a', 1, 'x', 'z'), changed('/b', 2, 'y', 'x'), changed('/c', 3, 'z', 'y')];
    expect(planContentMoves(claims, releasedBy(claims))).toEqual(new Map([[0, 3], [1, 1], [2, 2]]));
  });

  it('keeps a path its own row when that row has nowhere to go (a file overwritten by another one’s bytes)', () => {
    const claims = [changed('/a', 1, 'x', 'y')];
    expect(planContentMoves(claims, releasedBy(claims, [['y', 2]])).size).toBe(0);
  });

  it('undoes a chain of moves whose end has nowhere to go', () => {
    // /a got /b's bytes, /b got /c's bytes, /c got new bytes: row 3 could move to /b only if row 2 moved to /a,
    // which needs row 1 to move, and its bytes are nowhere
    const claims = [changed('/a', 1, 'x', 'y'), changed('/b', 2, 'y', 'z'), changed('/c', 3, 'z', 'new')];
    expect(planContentMoves(claims, releasedBy(claims)).size).toBe(0);
  });

  it('lets a new path take a row whose path now holds other bytes, and that path take a vanished row', () => {
    // /a renamed to /c, then /b renamed to /a (/b vanished)
    const claims = [changed('/a', 1, 'x', 'y'), added('/c', 'x')];
    expect(planContentMoves(claims, releasedBy(claims, [['y', 2]]))).toEqual(new Map([[0, 2], [1, 1]]));
  });
});
