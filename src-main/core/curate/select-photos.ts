// The photos a curate action takes (a grid filter, every page), the run it reads, and the class names it uses.
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../api/errors.js';
import type { CurateSelection } from '../../api/curate-schemas.js';
import type { Photo } from '../../api/schemas.js';
import { listClasses } from '../library/classes.js';
import { listPhotos } from '../library/photo-list.js';
import { getRun, getRunConfig, latestDoneRunId } from '../ml/runs/runs.js';

const PAGE = 10_000;

/** Every photo matching the selection, in id order; `runId` picks whose prediction each photo carries. */
export function selectPhotos(db: Database, selection: CurateSelection, runId: number | null): Photo[] {
  const photos: Photo[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = listPhotos(db, { ...selection, ...(runId !== null ? { runId } : {}), sort: 'id', descending: false, limit: PAGE, offset });
    photos.push(...page.items);
    if (page.items.length < PAGE) return photos;
  }
}

/** The requested run (it must have finished) or the latest finished one; null when none and none is required. */
export function resolveRun(db: Database, runId: number | undefined, required: boolean): number | null {
  if (runId !== undefined) {
    const run = getRun(db, runId);
    if (run.status !== 'done') throw new StudioError('INVALID_INPUT', `Run ${runId} has not finished (status ${run.status})`);
    return runId;
  }
  const latest = latestDoneRunId(db);
  if (latest === null && required) throw new StudioError('NOT_FOUND', 'No finished run: train a model first (`studio train`)');
  return latest;
}

/** class id → name: the run's names at training time, overridden by today's names (a class may have been renamed). */
export function classNames(db: Database, runId: number | null): Map<number, string> {
  const names = new Map<number, string>();
  if (runId !== null) for (const c of getRunConfig(db, runId).classes) names.set(c.id, c.name);
  for (const c of listClasses(db)) names.set(c.id, c.name);
  return names;
}
