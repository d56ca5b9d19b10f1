// What an import would do before it runs: scans the folder (nothing is written) and lists the classes that
// labels-from-folders would create, with photo counts. Also the one check that an import folder is absolute.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../api/errors.js';
import type { ImportPreview } from '../../api/schemas.js';
import { findClassByName } from '../library/classes.js';
import { HIDDEN_REASON, scanFolder } from './scan-folder.js';

/** A preview answers while the person waits: a folder too big to scan in this time gets partial counts. */
export const PREVIEW_TIME_LIMIT_MS = 10_000;

/** A relative path would resolve against the server's working folder, which the person never chose. */
export function requireAbsoluteFolder(root: string): void {
  if (!path.isAbsolute(root)) {
    throw new StudioError('INVALID_INPUT', `Expected an absolute folder path (like /home/me/photos), received ${JSON.stringify(root)}`);
  }
}

export async function previewImport(
  db: Database,
  root: string,
  options: { excludeDirs?: readonly string[]; timeLimitMs?: number } = {},
): Promise<ImportPreview> {
  requireAbsoluteFolder(root);
  const stat = await fs.promises.stat(root).catch(() => null);
  if (!stat?.isDirectory()) throw new StudioError('NOT_FOUND', `Expected a folder to import, received ${JSON.stringify(root)} (${stat ? 'not a folder' : 'not found'})`);
  const signal = AbortSignal.timeout(options.timeLimitMs ?? PREVIEW_TIME_LIMIT_MS);
  const scan = await scanFolder(root, { excludeDirs: options.excludeDirs ?? [], signal });
  const counts = new Map<string, number>();
  let unsorted = 0;
  for (const file of scan.files) {
    if (file.folderClass === null) unsorted++;
    else counts.set(file.folderClass, (counts.get(file.folderClass) ?? 0) + 1);
  }
  return {
    root: scan.root,
    photos: scan.files.length,
    classes: [...counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, photos]) => ({ name, photos, exists: findClassByName(db, name) !== undefined })),
    unsorted,
    hiddenSkipped: scan.skipped.filter((s) => s.reason === HIDDEN_REASON).length,
    complete: !signal.aborted,
  };
}
