// Plans and places files under an output folder: unique names per folder (collision → `name-2.ext`), copy or
// link, and never a write into a folder that holds library photos or over any existing file.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../api/errors.js';
import type { CurateReport, PlaceMode, PlannedFile } from '../../api/curate-schemas.js';
import type { JobContext } from '../jobs/job-context.js';

/** The real path of `dir` (resolving links of the part that exists), so a linked output folder is checked as what it is. */
export function realOutPath(dir: string): string {
  const resolved = path.resolve(dir);
  let existing = resolved;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const real = fs.realpathSync.native(existing);
  return path.join(real, path.relative(existing, resolved));
}

/**
 * Refuses an output folder that is, is inside, or holds a folder of imported photos: nothing is written beside an
 * original (and a later import of that folder does not take the copies in).
 */
export function refuseOriginalsFolder(db: Database, out: string): void {
  const folder = db
    .prepare(
      `SELECT folder FROM photos
       WHERE folder = @out OR substr(@out, 1, length(folder) + 1) = folder || '/' OR substr(folder, 1, length(@out) + 1) = @out || '/'
       LIMIT 1`,
    )
    .pluck()
    .get({ out }) as string | undefined;
  if (folder !== undefined) {
    throw new StudioError('INVALID_INPUT', `${out}: overlaps ${folder}, which holds library photos; choose an output folder apart from the originals`);
  }
}

/** A folder name from a class name: `.` and `..` and leading dots would hide or escape, so they are escaped. */
export function folderName(name: string): string {
  return name.replace(/^\.+/, (dots) => '_'.repeat(dots.length));
}

/** Gives each file a name not yet used in its folder (case-insensitively, as on macOS and Windows) nor on disk. */
export function createNamePlanner(outDir: string): (group: string, fileName: string) => string {
  const used = new Map<string, Set<string>>();
  return (group, fileName) => {
    const dir = path.join(outDir, ...group.split('/'));
    let names = used.get(dir);
    if (!names) {
      names = new Set(fs.existsSync(dir) ? fs.readdirSync(dir).map((n) => n.toLowerCase()) : []);
      used.set(dir, names);
    }
    const ext = path.extname(fileName);
    const base = fileName.slice(0, fileName.length - ext.length);
    let candidate = fileName;
    for (let n = 2; names.has(candidate.toLowerCase()); n++) candidate = `${base}-${n}${ext}`;
    names.add(candidate.toLowerCase());
    return path.join(dir, candidate);
  };
}

async function placeOne(source: string, target: string, mode: PlaceMode): Promise<void> {
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  if (mode === 'copy') await fs.promises.copyFile(source, target, fs.constants.COPYFILE_EXCL);
  else if (mode === 'hardlink') await fs.promises.link(source, target);
  else await fs.promises.symlink(source, target);
}

function reasonOf(error: unknown, mode: PlaceMode): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'the original file is missing';
  if (code === 'EEXIST') return 'a file with that name appeared in the output folder';
  if (code === 'EXDEV') return `a ${mode} cannot cross file systems; use copy`;
  return (error as Error).message;
}

/** Places the planned files (a dry run places none); counts what was written and why the rest was skipped. */
export async function placeFiles(
  planned: readonly PlannedFile[],
  mode: PlaceMode,
  dryRun: boolean,
  ctx: JobContext,
): Promise<Pick<CurateReport, 'written' | 'skipped' | 'cancelled'>> {
  const skipped: CurateReport['skipped'] = [];
  let written = 0;
  if (dryRun) return { written, skipped, cancelled: false };
  for (const [i, file] of planned.entries()) {
    if (ctx.signal.aborted) return { written, skipped, cancelled: true };
    try {
      await placeOne(file.source, file.target, mode);
      written++;
    } catch (error) {
      skipped.push({ path: file.source, reason: reasonOf(error, mode) });
    }
    ctx.report({ stage: mode, done: i + 1, total: planned.length });
  }
  return { written, skipped, cancelled: false };
}

export function countByGroup(planned: readonly PlannedFile[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const file of planned) counts[file.group] = (counts[file.group] ?? 0) + 1;
  return counts;
}
