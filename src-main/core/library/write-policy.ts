// The one policy for writing to a library: every transaction takes the write lock when it begins (BEGIN IMMEDIATE),
// so a writer waits through the busy timeout instead of failing; a lock still busy after a few attempts, a read-only
// library or a full disk comes back as one line naming the library folder.
import type { Database } from 'better-sqlite3';
import { isLibraryFailure, libraryFailure, libraryWriteReason } from './library-failure.js';

/** How long one attempt waits for another process's write lock (SQLite's busy handler). */
export const BUSY_TIMEOUT_MS = 5000;
/** Attempts to take the write lock before giving up; retried only while the transaction body has not run. */
export const WRITE_LOCK_ATTEMPTS = 3;

type TransactionFactory = Database['transaction'];

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

export function isBusyError(error: unknown): boolean {
  return /^SQLITE_(BUSY|LOCKED)/.test(sqliteCode(error));
}

/** A failure of the library itself (busy, read-only, disk full, cannot write) as its StudioError; others unchanged. */
export function toLibraryError(error: unknown, libraryRoot: string): unknown {
  if (isLibraryFailure(error)) return error;
  const reason = libraryWriteReason(error);
  return reason === null ? error : libraryFailure(libraryRoot, reason);
}

/**
 * Makes `db.transaction(fn)` of this connection begin IMMEDIATE (a deferred transaction that reads first would get
 * SQLITE_BUSY at its first write without waiting), retry a lock that stays busy, and report library failures.
 * Nested calls stay savepoints of the caller's transaction; `.deferred` and `.exclusive` keep their meaning.
 */
export function applyWritePolicy(db: Database, libraryRoot: string): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const plain: TransactionFactory = db.transaction.bind(db);
  const immediateByDefault = (fn: (...args: never[]) => unknown) => {
    let bodyRan = false;
    const transaction = plain(function (this: unknown, ...args: never[]) {
      bodyRan = true;
      return fn.apply(this, args);
    });
    const run = function (this: unknown, ...args: never[]): unknown {
      if (db.inTransaction) return transaction.apply(this, args);
      for (let attempt = 1; ; attempt++) {
        bodyRan = false;
        try {
          return transaction.immediate.apply(this, args);
        } catch (error) {
          // once the body ran, its side effects outside SQLite may have happened: never run it twice
          if (!bodyRan && isBusyError(error) && attempt < WRITE_LOCK_ATTEMPTS) continue;
          throw toLibraryError(error, libraryRoot);
        }
      }
    };
    Object.defineProperties(run, {
      default: { value: run },
      immediate: { value: run },
      deferred: { value: transaction.deferred },
      exclusive: { value: transaction.exclusive },
      database: { value: db, enumerable: true },
    });
    return run;
  };
  db.transaction = immediateByDefault as TransactionFactory;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs `action` again while SQLite answers BUSY without waiting, a bounded number of times with a short randomized
 * pause. Switching a new database to WAL is such a case: it needs the exclusive lock and SQLite skips the busy
 * handler where waiting could deadlock, so processes creating one library together would otherwise fail.
 */
export function retryWhileBusy<T>(action: () => T, attempts = 50): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return action();
    } catch (error) {
      if (!isBusyError(error) || attempt >= attempts) throw error;
      Atomics.wait(pause, 0, 0, 5 + Math.random() * 20);
    }
  }
}
