// Failures of the library itself (its folder full, read-only, not writable; its database full, read-only or busy)
// as opposed to failures of one photo: one error that names the library folder, for every writer (the write policy,
// the import's cache files).
import { StudioError } from '../../api/errors.js';

/** Why writing into the library failed, for the errors that are the library's and not a photo's; null otherwise.
 * Only for errors of writes into the library (ENOENT there is the library's folder, not a photo). */
export function libraryWriteReason(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  switch (code) {
    case 'ENOSPC':
      return 'no space left on the disk (ENOSPC)';
    case 'EDQUOT':
      return 'disk quota exceeded (EDQUOT)';
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'ENOENT':
      return 'a folder of the library is missing (ENOENT)';
    case 'ENOTDIR':
      return 'a part of its path is a file, not a folder (ENOTDIR)';
    case 'EIO':
      return 'input/output error (EIO)';
    case 'SQLITE_FULL':
      return 'the database is full: no space left on the disk, or its size limit reached (SQLITE_FULL)';
  }
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return `another process held its write lock too long; try again (${code})`;
  if (code.startsWith('SQLITE_READONLY')) return `the database is read-only (${code})`;
  if (code.startsWith('SQLITE_IOERR')) return `disk I/O error writing the database (${code})`;
  if (code === 'SQLITE_CANTOPEN') return 'the database file cannot be opened (SQLITE_CANTOPEN)';
  return null;
}

/** UNAVAILABLE, naming the library folder and the reason; `partialResult` carries what was done before it. */
export function libraryFailure(libraryRoot: string, reason: string, partialResult?: unknown): StudioError {
  return new StudioError('UNAVAILABLE', `Cannot write to the library folder ${libraryRoot}: ${reason}`, {
    libraryRoot,
    reason,
    ...(partialResult === undefined ? {} : { partialResult }),
  });
}

export function isLibraryFailure(error: unknown): error is StudioError {
  return error instanceof StudioError && typeof (error.details as { libraryRoot?: unknown } | undefined)?.libraryRoot === 'string';
}

/** Runs a write into the library; a library-side failure becomes a library error, anything else passes through. */
export async function asLibraryWrite<T>(libraryRoot: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const reason = libraryWriteReason(error);
    throw reason === null ? error : libraryFailure(libraryRoot, reason);
  }
}
