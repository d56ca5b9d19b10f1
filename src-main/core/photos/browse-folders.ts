// The server-side folder picker behind browser mode's Import panel: the subfolders of one folder (hidden ones left
// out) with the image files directly in each, starting from the home folder. Reads names only, never contents.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StudioError } from '../../api/errors.js';
import type { FolderListing } from '../../api/removal-schemas.js';
import { requireAbsoluteFolder } from './preview-import.js';
import { hasImageExtension } from './scan-folder.js';

/** Counting stops after this long (a folder of thousands of subfolders on a slow disk): the rest show no count. */
export const BROWSE_COUNT_BUDGET_MS = 2_000;

const REASONS: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', ENOENT: 'not found', ENOTDIR: 'not a folder' };

function unreadable(folder: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return `Cannot read the folder ${folder}: ${REASONS[code] ?? (code || String(error))}`;
}

const naturalOrder = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function countImages(entries: readonly fs.Dirent[]): number {
  return entries.filter((e) => !e.name.startsWith('.') && (e.isFile() || e.isSymbolicLink()) && hasImageExtension(e.name)).length;
}

export async function browseFolders(request: { path?: string | undefined }, options: { home?: string; countBudgetMs?: number } = {}): Promise<FolderListing> {
  const home = options.home ?? os.homedir();
  const requested = request.path ?? home;
  requireAbsoluteFolder(requested);
  const folder = path.resolve(requested);
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StudioError(code === 'ENOENT' || code === 'ENOTDIR' ? 'NOT_FOUND' : 'UNAVAILABLE', unreadable(folder, error));
  }
  const subfolders: fs.Dirent[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) subfolders.push(entry);
    else if (entry.isSymbolicLink()) {
      const stat = await fs.promises.stat(path.join(folder, entry.name)).catch(() => null);
      if (stat?.isDirectory()) subfolders.push(entry);
    }
  }
  subfolders.sort((a, b) => naturalOrder.compare(a.name, b.name));
  const deadline = Date.now() + (options.countBudgetMs ?? BROWSE_COUNT_BUDGET_MS);
  const folders: FolderListing['folders'] = [];
  for (const entry of subfolders) {
    const child = path.join(folder, entry.name);
    if (Date.now() > deadline) {
      folders.push({ name: entry.name, path: child, photos: null, error: null });
      continue;
    }
    try {
      folders.push({ name: entry.name, path: child, photos: countImages(await fs.promises.readdir(child, { withFileTypes: true })), error: null });
    } catch (error) {
      folders.push({ name: entry.name, path: child, photos: null, error: unreadable(child, error) });
    }
  }
  const parent = path.dirname(folder);
  return { path: folder, parent: parent === folder ? null : parent, home, photos: countImages(entries), folders };
}
