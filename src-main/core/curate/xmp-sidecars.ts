// XMP sidecars beside the originals (opt-in): the class as a keyword (dc:subject) and as the hierarchical keyword
// `Hike Photo Studio|<class>`, merged by exiftool into an existing sidecar so its other fields survive.
import fs from 'node:fs';
import path from 'node:path';
import type { CurateReport, CurateXmpRequest, PlannedFile } from '../../api/curate-schemas.js';
import type { JobContext } from '../jobs/job-context.js';
import type { Library } from '../library/library.js';
import { countByGroup } from './place-files.js';
import { classNames, resolveRun, selectPhotos } from './select-photos.js';

export const KEYWORD_ROOT = 'Hike Photo Studio';

/** `name.xmp` (Lightroom, Capture One) or `name.ext.xmp` (darktable, digiKam) beside the photo. */
export function sidecarPath(photoPath: string, naming: CurateXmpRequest['naming']): string {
  if (naming === 'name.ext.xmp') return `${photoPath}.xmp`;
  return path.join(path.dirname(photoPath), `${path.basename(photoPath, path.extname(photoPath))}.xmp`);
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []);

/**
 * The keywords after a merge: our hierarchical keyword replaces any earlier one of ours (the class may have changed),
 * and a plain keyword that only an earlier one of ours put there goes with it; every other keyword stays.
 */
export function mergedKeywords(existing: { subject: string[]; hierarchical: string[] }, className: string): { Subject: string[]; HierarchicalSubject: string[] } {
  const ours = `${KEYWORD_ROOT}|${className}`;
  const oldLeaves = new Set(existing.hierarchical.filter((k) => k.startsWith(`${KEYWORD_ROOT}|`)).map((k) => k.slice(KEYWORD_ROOT.length + 1)));
  const subject = existing.subject.filter((k) => !oldLeaves.has(k) || k === className);
  const hierarchical = existing.hierarchical.filter((k) => !k.startsWith(`${KEYWORD_ROOT}|`));
  return {
    Subject: subject.includes(className) ? subject : [...subject, className],
    HierarchicalSubject: [...hierarchical, ours],
  };
}

/** Plans at once (bad input is refused before a job starts); the returned job writes the sidecars with exiftool. */
export function writeXmpSidecars(library: Library, request: CurateXmpRequest): (ctx: JobContext) => Promise<CurateReport> {
  const { db } = library;
  const byPrediction = request.by === 'prediction';
  const runId = resolveRun(db, request.runId, byPrediction);
  const names = classNames(db, runId);
  const planned: PlannedFile[] = [];
  const skipped: CurateReport['skipped'] = [];
  const claimed = new Map<string, string>();
  for (const photo of selectPhotos(db, request.selection, runId)) {
    const className = byPrediction
      ? photo.prediction && photo.prediction.confidence >= request.minConfidence
        ? (names.get(photo.prediction.classId) ?? null)
        : null
      : photo.className;
    if (photo.status !== 'ok') skipped.push({ path: photo.path, reason: `the photo is ${photo.status}` });
    else if (className === null) skipped.push({ path: photo.path, reason: byPrediction ? `no prediction of run ${runId} at confidence ≥ ${request.minConfidence}` : 'no label' });
    else {
      const target = sidecarPath(photo.path, request.naming);
      const other = claimed.get(target);
      if (other !== undefined) skipped.push({ path: photo.path, reason: `shares ${path.basename(target)} with ${other}; use name.ext.xmp naming` });
      else {
        claimed.set(target, photo.path);
        planned.push({ photoId: photo.id, source: photo.path, target, group: className });
      }
    }
  }
  return async (ctx) => {
    let written = 0;
    let cancelled = false;
    if (!request.dryRun && planned.length > 0) {
      // loaded here, not at start-up: every CLI command would otherwise pay for exiftool-vendored
      const { ExifTool } = await import('exiftool-vendored');
      const exiftool = new ExifTool({ maxProcs: 1 });
      try {
        for (const [i, file] of planned.entries()) {
          if (ctx.signal.aborted) {
            cancelled = true;
            break;
          }
          try {
            const existing = fs.existsSync(file.target) ? await exiftool.read(file.target) : {};
            const tags = existing as { Subject?: unknown; HierarchicalSubject?: unknown };
            const keywords = mergedKeywords({ subject: asList(tags.Subject), hierarchical: asList(tags.HierarchicalSubject) }, file.group);
            await exiftool.write(file.target, keywords, { writeArgs: ['-overwrite_original'] });
            written++;
          } catch (error) {
            skipped.push({ path: file.target, reason: (error as Error).message.split('\n')[0] ?? 'exiftool failed' });
          }
          ctx.report({ stage: 'xmp', done: i + 1, total: planned.length });
        }
      } finally {
        await exiftool.end();
      }
    }
    return {
      action: 'xmp',
      dryRun: request.dryRun,
      out: request.naming,
      runId: byPrediction ? runId : null,
      counts: countByGroup(planned),
      planned,
      written,
      skipped,
      manifest: null,
      cancelled,
    };
  };
}
