// The row writes for a batch of file outcomes, and the batch's counts: kept by the import only once committed.
import type { ImportSummary } from '../../api/schemas.js';
import type { SettledClaim } from './content-moves.js';
import type { FileOutcome } from './process-file.js';
import type { ContentFacts, FileFacts, PhotoWrites } from './photo-writes.js';

export type Counts = Pick<ImportSummary, 'added' | 'updated' | 'moved' | 'unchanged' | 'restored' | 'aliases'>;

export interface Batch {
  counts: Counts;
  skipped: ImportSummary['skipped'];
  warnings: ImportSummary['warnings'];
  photoIds: number[];
  labelCandidates: { photoId: number; folderClass: string }[];
}

export function emptyBatch(): Batch {
  return { counts: { added: 0, updated: 0, moved: 0, unchanged: 0, restored: 0, aliases: 0 }, skipped: [], warnings: [], photoIds: [], labelCandidates: [] };
}

function recordPhoto(batch: Batch, id: number, file: { folderClass: string | null }): void {
  batch.photoIds.push(id);
  if (file.folderClass !== null) batch.labelCandidates.push({ photoId: id, folderClass: file.folderClass });
}

function warn(batch: Batch, file: string, facts: ContentFacts): void {
  for (const message of facts.warnings) batch.warnings.push({ path: file, message });
}

/**
 * New content at a path, re-checked inside the write transaction: another import (another process) may have put
 * a row there since this one loaded the library's photos.
 */
export function writeAtPath(writes: PhotoWrites, file: FileFacts, facts: ContentFacts, now: string): { result: 'added' | 'updated' | 'unchanged'; id: number } {
  const current = writes.findByPath(file.path);
  if (!current) return { result: 'added', id: writes.insert(file, facts, now) };
  if (current.content_hash === facts.contentHash) {
    writes.updateFile(current.id, file, now);
    return { result: 'unchanged', id: current.id };
  }
  writes.updateContent(current.id, file, facts, now);
  return { result: 'updated', id: current.id };
}

/** Must run inside the caller's transaction. 'updated' outcomes and known content are settled by content-moves.ts. */
export function commitOutcomes(writes: PhotoWrites, outcomes: readonly FileOutcome[], now: string): Batch {
  const batch = emptyBatch();
  for (const outcome of outcomes) {
    switch (outcome.kind) {
      case 'unchanged':
        batch.counts.unchanged++;
        recordPhoto(batch, outcome.id, outcome.file);
        break;
      case 'refreshed':
        writes.updateFile(outcome.id, outcome.file, now);
        batch.counts[outcome.wasMissing ? 'restored' : 'unchanged']++;
        recordPhoto(batch, outcome.id, outcome.file);
        break;
      case 'moved': {
        const current = writes.findByPath(outcome.file.path);
        if (current && current.id !== outcome.id) {
          // another import (another process) took the path meanwhile
          batch.counts.unchanged++;
          recordPhoto(batch, current.id, outcome.file);
          break;
        }
        writes.updateFile(outcome.id, outcome.file, now);
        batch.counts.moved++;
        recordPhoto(batch, outcome.id, outcome.file);
        break;
      }
      case 'added': {
        const { result, id } = writeAtPath(writes, outcome.file, outcome.facts, now);
        if (result !== 'unchanged') warn(batch, outcome.file.path, outcome.facts);
        batch.counts[result]++;
        recordPhoto(batch, id, outcome.file);
        break;
      }
      case 'updated':
        throw new Error(`commitOutcomes: ${outcome.file.path} changed content; settle it with settleContentClaims`);
      case 'alias':
        batch.counts.aliases++;
        break;
      case 'failed':
        // a known photo whose file became unreadable keeps its row, label and caches
        if (outcome.id !== null) writes.setStatus(outcome.id, 'unreadable', outcome.reason, now);
        batch.skipped.push({ path: outcome.file.path, reason: outcome.reason });
        break;
    }
  }
  return batch;
}

export function batchOfSettled(settled: readonly SettledClaim[]): Batch {
  const batch = emptyBatch();
  for (const { claim, result, id } of settled) {
    batch.counts[result]++;
    recordPhoto(batch, id, claim.file);
    if (result === 'added' || result === 'updated') warn(batch, claim.file.path, claim.facts);
  }
  return batch;
}
