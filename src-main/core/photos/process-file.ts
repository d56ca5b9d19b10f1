// Decides what one scanned file is to the library (unchanged, changed, moved, new, alias, unreadable) and
// does the file work for it (hash, EXIF, decode, cache files). Database writes are left to the caller.
import fs from 'node:fs';
import type { Database } from 'better-sqlite3';
import type { LibraryPaths } from '../library/library.js';
import { deriveImages, type PhotoFile } from './derive-images.js';
import { derivedFilesExist } from './derived-files.js';
import { describeFailure } from './describe-failure.js';
import { readAndHashFile } from './hash-file.js';
import { isLibraryFailure } from '../library/library-failure.js';
import { contentFactsOf, findPhotosByHash, type ContentFacts, type KnownPhoto } from './photo-writes.js';
import { readExif } from './read-exif.js';
import type { ScannedFile } from './scan-folder.js';

export type FileOutcome =
  | { kind: 'unchanged'; file: ScannedFile; id: number }
  /** same bytes, but the row needs its path, size, mtime or status refreshed */
  | { kind: 'refreshed'; file: ScannedFile; id: number; wasMissing: boolean }
  /** a known path whose bytes changed; the caller decides whether its row stays or another row's content moved here */
  | { kind: 'updated'; file: ScannedFile; id: number; oldHash: string; facts: ContentFacts }
  | { kind: 'moved'; file: ScannedFile; id: number; from: string }
  /** knownContent: the library has these bytes at another path (a copy, or content that moved here) */
  | { kind: 'added'; file: ScannedFile; facts: ContentFacts; knownContent: boolean }
  | { kind: 'alias'; file: ScannedFile; of: string }
  | { kind: 'failed'; file: ScannedFile; id: number | null; reason: string };

export interface ImportState {
  db: Database;
  paths: LibraryPaths;
  known: Map<string, KnownPhoto>;
  seenPaths: Set<string>;
  /** rows already taken as the origin of a move in this import */
  claimed: Set<number>;
}

export async function processFile(file: ScannedFile, state: ImportState): Promise<FileOutcome> {
  const existing = state.known.get(file.path) ?? null;
  try {
    if (
      existing &&
      existing.status !== 'unreadable' &&
      existing.size_bytes === file.sizeBytes &&
      existing.mtime_ms === file.mtimeMs &&
      derivedFilesExist(state.paths, existing.content_hash)
    ) {
      return existing.status === 'ok'
        ? { kind: 'unchanged', file, id: existing.id }
        : { kind: 'refreshed', file, id: existing.id, wasMissing: true };
    }
    if (file.sizeBytes === 0) return { kind: 'failed', file, id: existing?.id ?? null, reason: 'empty file (0 bytes)' };

    const { hash, bytes } = await readAndHashFile(file.path, undefined, file.sizeBytes);
    // decode and EXIF read the bytes just hashed when the file was read whole
    const source = { path: file.path, bytes };
    if (existing) {
      if (hash === existing.content_hash && existing.status !== 'unreadable' && derivedFilesExist(state.paths, hash)) {
        return { kind: 'refreshed', file, id: existing.id, wasMissing: existing.status === 'missing' };
      }
      return { kind: 'updated', file, id: existing.id, oldHash: existing.content_hash, facts: await knownOrNewFacts(source, hash, state) };
    }

    // Synchronous from here to the first await, so concurrent workers cannot claim the same moved row.
    const sameContent = findPhotosByHash(state.db, hash);
    // another import (another process) added this very path since this import loaded the library's photos
    const samePath = sameContent.find((row) => row.path === file.path);
    if (samePath) return { kind: 'refreshed', file, id: samePath.id, wasMissing: false };
    const origin = sameContent.find((row) => !state.claimed.has(row.id) && !state.seenPaths.has(row.path) && !fs.existsSync(row.path));
    if (origin) {
      state.claimed.add(origin.id);
      if (!derivedFilesExist(state.paths, hash)) await deriveImages(source, hash, state.paths);
      return { kind: 'moved', file, id: origin.id, from: origin.path };
    }
    const hardLink = sameContent.find((row) => sameFile(row.path, file.fileKey));
    if (hardLink) return { kind: 'alias', file, of: hardLink.path };

    const copy = derivedFilesExist(state.paths, hash) ? sameContent.map((row) => contentFactsOf(row, hash)).find(Boolean) : null;
    return { kind: 'added', file, facts: copy ?? (await contentFacts(source, hash, state)), knownContent: sameContent.length > 0 };
  } catch (error) {
    // the library's own failures (its cache folder full or read-only) are not this photo's: they stop the import
    if (isLibraryFailure(error)) throw error;
    return { kind: 'failed', file, id: existing?.id ?? null, reason: await describeFailure(file.path, error) };
  }
}

/** Facts of content the library already has (no decode), else from the file. */

async function knownOrNewFacts(file: PhotoFile, hash: string, state: ImportState): Promise<ContentFacts> {
  const copy = derivedFilesExist(state.paths, hash) ? findPhotosByHash(state.db, hash).map((row) => contentFactsOf(row, hash)).find(Boolean) : null;
  return copy ?? contentFacts(file, hash, state);
}

async function contentFacts(file: PhotoFile, hash: string, state: ImportState): Promise<ContentFacts> {
  const [derived, exif] = await Promise.all([deriveImages(file, hash, state.paths), readExif(file.bytes ?? file.path)]);
  return { contentHash: hash, ...derived, orientation: derived.orientation ?? exif.orientation, takenAt: exif.takenAt, gps: exif.gps, camera: exif.camera };
}

function sameFile(other: string, fileKey: string): boolean {
  try {
    const stat = fs.statSync(other);
    return stat.ino !== 0 && `${stat.dev}:${stat.ino}` === fileKey;
  } catch {
    return false;
  }
}
