// Finds the image files under a folder: recursive, follows symbolic links to files (not to folders, which
// could loop), one entry per underlying file (symlinks and hard links to the same file become aliases).
// Hidden (dot) folders and image files are left out unless asked for, and listed as skipped.
import fs from 'node:fs';
import path from 'node:path';

export const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif', 'heic', 'heif']);
const STAT_BATCH = 64;
export const HIDDEN_REASON = 'hidden (name starts with a dot): left out';

export function hasImageExtension(file: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(file).slice(1).toLowerCase());
}

export interface ScannedFile {
  /** absolute path as found under the (real) root; for a symbolic link, the link's own path */
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  /** first-level subfolder under the root, null for files directly in the root */
  folderClass: string | null;
  /** device:inode of the underlying file, shared by every link to it */
  fileKey: string;
  isSymlink: boolean;
}

export interface ScanResult {
  root: string;
  files: ScannedFile[];
  /** a second path to a file already in `files` (symbolic or hard link) */
  aliases: { path: string; of: string }[];
  skipped: { path: string; reason: string }[];
  /** every image path seen, including aliases and broken links: what is not in here has vanished */
  seenPaths: Set<string>;
}

type Candidate = ScannedFile;

export async function scanFolder(
  root: string,
  options: {
    signal?: AbortSignal;
    onProgress?: (filesFound: number) => void;
    /** paths the library already has: when several paths lead to one file, a known one is kept */
    isKnownPath?: (file: string) => boolean;
    /** folders (and everything below) to leave out */
    excludeDirs?: readonly string[];
    /** also scan hidden (dot) folders and files; off by default (a home folder holds .cache, .pyenv…) */
    includeHidden?: boolean;
  } = {},
): Promise<ScanResult> {
  const realRoot = await fs.promises.realpath(root);
  const candidates: Candidate[] = [];
  const skipped: ScanResult['skipped'] = [];
  const seenPaths = new Set<string>();
  const pending = [realRoot];
  const excluded = new Set(await Promise.all((options.excludeDirs ?? []).map((dir) => fs.promises.realpath(dir).catch(() => dir))));

  while (pending.length > 0) {
    if (options.signal?.aborted) break;
    const dir = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (error) {
      skipped.push({ path: dir, reason: `cannot read folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
      continue;
    }
    const files: fs.Dirent[] = [];
    for (const entry of entries) {
      if (!options.includeHidden && entry.name.startsWith('.') && (entry.isDirectory() || hasImageExtension(entry.name))) {
        skipped.push({ path: path.join(dir, entry.name), reason: HIDDEN_REASON });
        continue;
      }
      if (entry.isDirectory()) {
        const child = path.join(dir, entry.name);
        if (!excluded.has(child)) pending.push(child);
      }
      else if ((entry.isFile() || entry.isSymbolicLink()) && hasImageExtension(entry.name)) files.push(entry);
    }
    for (let i = 0; i < files.length; i += STAT_BATCH) {
      const batch = files.slice(i, i + STAT_BATCH);
      await Promise.all(
        batch.map(async (entry) => {
          const file = path.join(dir, entry.name);
          seenPaths.add(file);
          const found = await statCandidate(realRoot, file, entry.isSymbolicLink());
          if (found && 'reason' in found) skipped.push({ path: file, reason: found.reason });
          else if (found) candidates.push(found);
        }),
      );
    }
    options.onProgress?.(candidates.length);
  }
  return { root: realRoot, ...dedupeByFile(candidates, options.isKnownPath ?? (() => false)), skipped, seenPaths };
}

async function statCandidate(
  realRoot: string,
  file: string,
  isSymlink: boolean,
): Promise<Candidate | { reason: string } | null> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (isSymlink && (code === 'ENOENT' || code === 'ELOOP')) {
      const target = await fs.promises.readlink(file).catch(() => '?');
      return { reason: `broken symbolic link → ${target}` };
    }
    return { reason: `cannot read file: ${code ?? String(error)}` };
  }
  if (!stat.isFile()) return null; // a link to a folder or a device
  const relative = path.relative(realRoot, file).split(path.sep);
  return {
    path: file,
    sizeBytes: stat.size,
    mtimeMs: Math.trunc(stat.mtimeMs),
    folderClass: relative.length >= 2 ? (relative[0] ?? null) : null,
    // some file systems (FAT, some network shares) report inode 0: fall back to the path
    fileKey: stat.ino === 0 ? `path:${file}` : `${stat.dev}:${stat.ino}`,
    isSymlink,
  };
}

/** Keeps one path per underlying file: a known path, else a real file before a link, else the first in sort order. */
function dedupeByFile(candidates: Candidate[], isKnownPath: (file: string) => boolean): Pick<ScanResult, 'files' | 'aliases'> {
  const rank = (c: Candidate) => (isKnownPath(c.path) ? 0 : 2) + (c.isSymlink ? 1 : 0);
  candidates.sort((a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const byKey = new Map<string, Candidate>();
  const aliases: ScanResult['aliases'] = [];
  for (const candidate of candidates) {
    const kept = byKey.get(candidate.fileKey);
    if (kept) aliases.push({ path: candidate.path, of: kept.path });
    else byKey.set(candidate.fileKey, candidate);
  }
  const files = [...byKey.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, aliases };
}
