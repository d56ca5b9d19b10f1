// One training at a time per library, across processes (app, server, CLI): a lock file holding the owner's pid.
// It also tells a starting process whether a 'running' run is really running elsewhere or was interrupted by a crash.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.js';

const LOCK_FILE = 'training.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a live process that holds the lock, or null. */
export function trainingLockOwner(libraryRoot: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(libraryRoot, LOCK_FILE), 'utf8'));
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

export function acquireTrainingLock(libraryRoot: string): () => void {
  const owner = trainingLockOwner(libraryRoot);
  if (owner !== null) throw new StudioError('CONFLICT', `A training is already running on this library (process ${owner})`);
  const file = path.join(libraryRoot, LOCK_FILE);
  fs.writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.rmSync(file);
    } catch {
      // already gone
    }
  };
}
