// One training at a time per library, within one process and across processes (app, server, CLI): a row in the
// library's settings, checked and written inside one IMMEDIATE transaction, so two processes starting at the same
// instant cannot both take it. The row names its owner by pid and process start time; a dead owner's row (a crash)
// is taken over, and a pid reused by an unrelated process does not count as the owner.
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { StudioError } from '../api/errors.js';
import { getSetting, setSetting } from './library/settings.js';
import { currentProcess, isProcessAlive, type ProcessIdentity } from './process-identity.js';

export const TRAINING_LOCK_SETTING = 'training.lock';

export interface TrainingLockHolder extends ProcessIdentity {
  /** one per acquisition: release removes only its own row */
  token: string;
  since: string;
}

function liveHolder(db: Database): TrainingLockHolder | null {
  const holder = getSetting<TrainingLockHolder>(db, TRAINING_LOCK_SETTING);
  return holder && isProcessAlive({ pid: holder.pid, startTime: holder.startTime ?? null }) ? holder : null;
}

/** The live holder of the lock (this process included), or null. */
export function trainingLockOwner(db: Database): TrainingLockHolder | null {
  return liveHolder(db);
}

/** Takes the lock or throws CONFLICT naming the holder; returns the release function (idempotent). */
export function acquireTrainingLock(db: Database): () => void {
  const token = randomUUID();
  db.transaction(() => {
    const holder = liveHolder(db);
    if (holder) {
      const who = holder.pid === process.pid ? 'in this process' : `in process ${holder.pid}`;
      throw new StudioError('CONFLICT', `A training is already running on this library (${who}, since ${holder.since}); wait for it or cancel it`);
    }
    const self = currentProcess();
    setSetting(db, TRAINING_LOCK_SETTING, { pid: self.pid, startTime: self.startTime, token, since: new Date().toISOString() } satisfies TrainingLockHolder);
  }).immediate();
  let released = false;
  return () => {
    if (released || !db.open) return;
    released = true;
    db.transaction(() => {
      if (getSetting<TrainingLockHolder>(db, TRAINING_LOCK_SETTING)?.token === token) {
        db.prepare('DELETE FROM settings WHERE key = ?').run(TRAINING_LOCK_SETTING);
      }
    }).immediate();
  };
}

/**
 * Runs `mark` (marking runs left 'running' as interrupted) only when no live process holds the lock, in the same
 * IMMEDIATE transaction, so a training that starts meanwhile is never marked. A read-only database is left alone.
 */
export function markInterruptedUnlessTraining(db: Database, mark: (db: Database) => unknown): void {
  if (db.readonly) return;
  db.transaction(() => {
    if (!liveHolder(db)) mark(db);
  }).immediate();
}
