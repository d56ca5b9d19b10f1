// Watched folders: a change below the folder imports it again after a quiet spell (debounced). The import is
// incremental — only new and changed files cost anything — and predicts the new photos with the latest run, so a
// file copied in shows up in the grid with a prediction. One import at a time; changes during one queue one more.
import fs from 'node:fs';
import path from 'node:path';
import type { ImportSummary } from '../api/schemas.js';
import { StudioError, toStudioError } from '../api/errors.js';
import type { Studio } from './studio.js';

/** Quiet time after the last change before importing: a copy in progress sends many events. */
export const WATCH_DEBOUNCE_MS = 1_000;

export interface FolderWatchOptions {
  debounceMs?: number;
  /** every finished import (the first one, of what is already there, included) */
  onImport(summary: ImportSummary): void;
  /** an import that failed as a whole (e.g. the library's disk is full); watching goes on */
  onError(error: StudioError): void;
}

export interface FolderWatch {
  /** the watched folder (real path) */
  root: string;
  /** stops watching; an import already started finishes (closing the studio cancels it) */
  close(): void;
}

/**
 * Watches `dir` recursively (fs.watch: Linux inotify, FSEvents, ReadDirectoryChangesW) and imports it now and after
 * each burst of changes. Which file changed does not matter — the import finds out — so lost or merged events are
 * harmless. Changes inside the library folder (its own thumbnails) and to hidden files are ignored.
 */
export function watchFolder(studio: Pick<Studio, 'api' | 'subscribe' | 'library'>, dir: string, options: FolderWatchOptions): FolderWatch {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new StudioError('NOT_FOUND', `Cannot watch ${dir}: no such folder`);
  if (!stat.isDirectory()) throw new StudioError('INVALID_INPUT', `Cannot watch ${dir}: not a folder`);
  const root = fs.realpathSync.native(dir);
  const libraryRoot = fs.realpathSync.native(studio.library.paths.root);
  const debounceMs = options.debounceMs ?? WATCH_DEBOUNCE_MS;
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let again = false;
  let closed = false;

  /** Starts an import of the folder and waits for its job.finished event (subscribed first, so none is missed). */
  const importOnce = async (): Promise<void> => {
    type Outcome = { jobId?: string; status: string; result?: unknown; error?: string | undefined };
    const outcome = await new Promise<Outcome>((resolve) => {
      let jobId: string | null = null;
      const finished: Outcome[] = [];
      const settle = (found: Outcome | undefined) => {
        if (!found) return;
        stop();
        resolve(found);
      };
      const stop = studio.subscribe((event, payload) => {
        if (event !== 'job.finished' || !('status' in payload)) return;
        finished.push(payload);
        if (jobId !== null) settle(finished.find((f) => f.jobId === jobId));
      });
      studio.api['photos.import']({ root, labelsFromFolders: false }).then(
        (started) => {
          jobId = started.jobId;
          settle(finished.find((f) => f.jobId === jobId));
        },
        (error: unknown) => settle({ status: 'failed', error: toStudioError(error).message }),
      );
    });
    if (outcome.result) options.onImport(outcome.result as ImportSummary);
    if (outcome.status === 'failed') options.onError(new StudioError('UNAVAILABLE', outcome.error ?? `Import of ${root} failed`));
  };

  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await importOnce();
    } finally {
      running = false;
      if (again && !closed) {
        again = false;
        schedule();
      }
    }
  };

  function schedule(): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void run();
    }, debounceMs);
  }

  const watcher = fs.watch(root, { recursive: true }, (_event, name) => {
    if (name === null) return schedule();
    const changed = path.join(root, name.toString());
    if (changed === libraryRoot || changed.startsWith(libraryRoot + path.sep)) return;
    if (name.toString().split(/[\\/]/).some((part) => part.startsWith('.'))) return;
    schedule();
  });
  watcher.on('error', (error) => options.onError(new StudioError('UNAVAILABLE', `Stopped watching ${root}: ${error.message}`)));
  void run();

  return {
    root,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
