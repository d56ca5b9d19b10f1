// The photos a curate action takes (a grid filter, every page, or a list of ids), the run it reads, and the class names it uses.
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../api/errors.js';
import type { CurateSelection } from '../../api/curate-schemas.js';
import type { Photo } from '../../api/schemas.js';
import { listClasses } from '../library/classes.js';
import { listPhotos, listPhotosByIds } from '../library/photo-list.js';
import { getRun, getRunConfig, latestDoneRunId } from '../ml/runs/runs.js';

const PAGE = 10_000;

/**
 * Every photo matching the selection (its filters, or its photoIds: all of them must exist), in id order; `runId`
 * picks whose prediction each photo carries.
 */
export function selectPhotos(db: Database, selection: CurateSelection, runId: number | null): Photo[] {
  if (selection.photoIds !== undefined) return photosByIds(db, selection.photoIds, runId);
  const photos: Photo[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = listPhotos(db, { ...selection, ...(runId !== null ? { runId } : {}), sort: 'id', descending: false, limit: PAGE, offset });
    photos.push(...page.items);
    if (page.items.length < PAGE) return photos;
  }
}

function photosByIds(db: Database, ids: readonly number[], runId: number | null): Photo[] {
  const photos = listPhotosByIds(db, ids, runId ?? undefined);
  if (photos.length < new Set(ids).size) {
    const found = new Set(photos.map((p) => p.id));
    const unknown = [...new Set(ids)].filter((id) => !found.has(id));
    const shown = unknown.slice(0, 10).join(', ') + (unknown.length > 10 ? ` and ${unknown.length - 10} more` : '');
    throw new StudioError('NOT_FOUND', `No photo with id ${shown}`);
  }
  return photos;
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
