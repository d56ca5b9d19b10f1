// Paths that point inside a library are stored relative to the library folder (with '/'), so a moved or copied
// library keeps working and a copy uses its own files. The library folder is the folder of its database file.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

/** The folder holding this connection's database (its name is a path, or a file: URI for a read-only library). */
export function libraryRootOf(db: Database): string {
  const file = db.name.startsWith('file:') ? fileURLToPath(db.name.replace(/\?.*$/, '')) : db.name;
  return path.dirname(path.resolve(file));
}

/** What to store for `absolute`: relative to the library when it lies inside it, else unchanged. */
export function toStoredPath(db: Database, absolute: string): string {
  const relative = path.relative(libraryRootOf(db), path.resolve(absolute));
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return inside ? relative.split(path.sep).join('/') : absolute;
}

/** The absolute path a stored path names in this library (absolute ones, from older libraries, stay as they are). */
export function fromStoredPath(db: Database, stored: string): string {
  return path.isAbsolute(stored) ? stored : path.resolve(libraryRootOf(db), stored);
}
