// Imports a folder into the library: scan, then per file hash/decode/cache with bounded concurrency, rows
// written in small IMMEDIATE transactions after their cache files exist, changed content settled at the end
// (content-moves.ts), then missing files, folder labels, duplicates. A library failure stops it (core/library/library-failure.ts).
import os from 'node:os';
import fs from 'node:fs';
import { StudioError } from '../../api/errors.js';
import type { DuplicateGroup, ImportSummary } from '../../api/schemas.js';
import type { JobContext } from '../jobs/job-context.js';
import type { Library } from '../library/library.js';
import { batchOfSettled, commitOutcomes, type Batch, type Counts } from './commit-outcomes.js';
import { settleContentClaims, type ContentClaim } from './content-moves.js';
import { applyFolderLabels } from './folder-labels.js';
import { updateDuplicateGroups } from './near-duplicates.js';
import { updatePlaces } from './place-clusters.js';
import { processFile, type FileOutcome, type ImportState } from './process-file.js';
import { MISSING_REASON, listPresentPhotosUnder, loadKnownPhotos, preparePhotoWrites } from './photo-writes.js';
import { scanFolder } from './scan-folder.js';
import { configureSharpForImport } from './sharp-settings.js';
import { isLibraryFailure, libraryFailure } from '../library/library-failure.js';
import { toLibraryError } from '../library/write-policy.js';

/** Files decoded at once: enough to keep both cores busy, few enough to bound memory (each holds one image). */
export const IMPORT_CONCURRENCY = Math.min(4, Math.max(2, os.availableParallelism()));
/** Rows per transaction: small enough that a commit never blocks the event loop noticeably. */
export const IMPORT_BATCH_SIZE = 32;
/** Longest stretch of synchronous work between event-loop turns. */
const EVENT_LOOP_SLICE_MS = 15;

export interface ImportRequest {
  root: string;
  labelsFromFolders: boolean;
}

export async function importFolder(library: Library, request: ImportRequest, ctx: JobContext): Promise<ImportSummary> {
  const startedAt = performance.now();
  configureSharpForImport();
  const rootStat = await fs.promises.stat(request.root).catch(() => null);
  if (!rootStat?.isDirectory()) {
    throw new StudioError('INVALID_INPUT', `Expected a folder to import, received ${JSON.stringify(request.root)} (${rootStat ? 'not a folder' : 'not found'})`);
  }

  const { db } = library;
  const known = loadKnownPhotos(db);
  ctx.report({ stage: 'scan', done: 0, total: 1 });
  const scan = await scanFolder(request.root, {
    signal: ctx.signal,
    isKnownPath: (file) => known.has(file),
    // importing a folder that contains the library must not import the library's own thumbnails
    excludeDirs: [library.paths.root],
    onProgress: (found) => ctx.report({ stage: 'scan', done: found, total: found + 1, message: `${found} images found` }),
  });
  const scanComplete = !ctx.signal.aborted;
  ctx.report({ stage: 'scan', done: scan.files.length, total: scan.files.length });

  const state: ImportState = { db, paths: library.paths, known, seenPaths: scan.seenPaths, claimed: new Set() };
  const writes = preparePhotoWrites(db);
  const counts: Counts = { added: 0, updated: 0, moved: 0, unchanged: 0, restored: 0, aliases: scan.aliases.length };
  const skipped = [...scan.skipped];
  const warnings: ImportSummary['warnings'] = [];
  const labelCandidates: { photoId: number; folderClass: string }[] = [];
  const importedIds: number[] = [];
  let pending: FileOutcome[] = [];
  const claims: ContentClaim[] = [];
  /** a failure of the library itself (disk full, read-only…): every worker stops, the summary so far is kept */
  let stoppedBy: StudioError | null = null;

  // Counts and ids are gathered per batch and kept only once the batch is committed, so a batch that fails
  // (database full) is not reported as done.
  const flush = db.transaction((outcomes: FileOutcome[]) => commitOutcomes(writes, outcomes, new Date().toISOString()));
  const flushPending = () => {
    const outcomes = pending;
    pending = [];
    if (outcomes.length === 0) return;
    let batch: Batch;
    try {
      // IMMEDIATE: the transaction reads before it writes, and a deferred one would fail at once (SQLITE_BUSY)
      // instead of waiting when another process wrote in between
      batch = flush.immediate(outcomes);
    } catch (error) {
      stoppedBy ??= asLibraryFailure(library.paths.root, error);
      return;
    }
    keep(batch);
  };
  const keep = (batch: Batch) => {
    for (const key of Object.keys(batch.counts) as (keyof Counts)[]) counts[key] += batch.counts[key];
    skipped.push(...batch.skipped);
    warnings.push(...batch.warnings);
    importedIds.push(...batch.photoIds);
    labelCandidates.push(...batch.labelCandidates);
  };
  const settleClaims = db.transaction(() =>
    batchOfSettled(settleContentClaims(db, writes, claims, { seenPaths: scan.seenPaths, claimed: state.claimed, now: new Date().toISOString() })),
  );

  const total = scan.files.length;
  let next = 0;
  let done = 0;
  ctx.report({ stage: 'import', done: 0, total });
  let lastYieldAt = performance.now();
  const worker = async () => {
    while (!ctx.signal.aborted && stoppedBy === null) {
      // unchanged files resolve without real I/O, so without this a big re-import would hold the event loop
      if (performance.now() - lastYieldAt > EVENT_LOOP_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYieldAt = performance.now();
        if (ctx.signal.aborted || stoppedBy !== null) break;
      }
      // take the index after the last await: another worker may have taken the last file while this one yielded
      const file = scan.files[next++];
      if (file === undefined) break;
      let outcome: FileOutcome;
      try {
        outcome = await processFile(file, state);
      } catch (error) {
        if (!isLibraryFailure(error)) throw error;
        stoppedBy ??= error;
        break;
      }
      // changed files and copies of known content may be bytes that moved between paths: settled at the end
      if (outcome.kind === 'updated' || (outcome.kind === 'added' && outcome.knownContent)) claims.push(outcome);
      else pending.push(outcome); // not `pending.push(await …)`: that would push into the array a flush replaced meanwhile
      done++;
      if (pending.length >= IMPORT_BATCH_SIZE) flushPending();
      ctx.report({ stage: 'import', done, total });
    }
  };
  await Promise.all(Array.from({ length: Math.min(IMPORT_CONCURRENCY, Math.max(total, 1)) }, worker));
  flushPending();
  if (stoppedBy === null && claims.length > 0) {
    try {
      keep(settleClaims.immediate());
    } catch (error) {
      stoppedBy = asLibraryFailure(library.paths.root, error);
    }
  }
  const cancelled = ctx.signal.aborted;
  const summarySoFar = (): ImportSummary => ({
    root: scan.root,
    scanned: scan.files.length + scan.aliases.length + scan.skipped.length,
    ...counts,
    markedMissing,
    labeled,
    skipped,
    warnings,
    duplicateGroups,
    cancelled,
    durationMs: performance.now() - startedAt,
  });
  let markedMissing = 0;
  let labeled = 0;
  let duplicateGroups: DuplicateGroup[] = [];
  const stopWith = (failure: StudioError): never => {
    const details = failure.details as { reason: string };
    throw libraryFailure(library.paths.root, details.reason, summarySoFar());
  };
  if (stoppedBy !== null) stopWith(stoppedBy);

  try {
    if (scanComplete) {
      const vanished = listPresentPhotosUnder(db, scan.root).filter((row) => !scan.seenPaths.has(row.path));
      db.transaction(() => {
        const now = new Date().toISOString();
        for (const row of vanished) writes.setStatus(row.id, 'missing', MISSING_REASON, now);
      }).immediate();
      markedMissing = vanished.length;
    }
    labeled = request.labelsFromFolders ? applyFolderLabels(db, labelCandidates) : 0;

    ctx.report({ stage: 'duplicates', done: 0, total: 1 });
    const { groups } = await updateDuplicateGroups(db);
    duplicateGroups = groupsTouching(groups, importedIds);
    ctx.report({ stage: 'duplicates', done: 1, total: 1 });
    ctx.report({ stage: 'places', done: 0, total: 1 });
    updatePlaces(db);
    ctx.report({ stage: 'places', done: 1, total: 1 });
  } catch (error) {
    stopWith(asLibraryFailure(library.paths.root, error));
  }
  return summarySoFar();
}

/** A library-side failure as a library error; anything else (a bug) is rethrown as it is. */
function asLibraryFailure(libraryRoot: string, error: unknown): StudioError {
  const failure = toLibraryError(error, libraryRoot);
  if (!isLibraryFailure(failure)) throw error;
  return failure;
}

function groupsTouching(groups: Map<number, number[]>, ids: readonly number[]): DuplicateGroup[] {
  const wanted = new Set(ids);
  return [...groups.entries()]
    .filter(([, members]) => members.some((id) => wanted.has(id)))
    .map(([group, members]) => ({ group, photoIds: [...members].sort((a, b) => a - b) }))
    .sort((a, b) => a.group - b.group);
}
