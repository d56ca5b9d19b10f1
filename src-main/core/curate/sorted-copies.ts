// Sorted copies: photos copied or linked into OUT/<class>/ by label, or by a run's prediction (unsure: OUT/_unsure/).
import type { CurateCopyRequest, CurateReport, PlannedFile } from '../../api/curate-schemas.js';
import type { JobContext } from '../jobs/job-context.js';
import type { Library } from '../library/library.js';
import { requireAbsoluteFolder } from '../photos/preview-import.js';
import { countByGroup, createNamePlanner, folderName, placeFiles, realOutPath, refuseOriginalsFolder } from './place-files.js';
import { classNames, resolveRun, selectPhotos } from './select-photos.js';

export const UNSURE_FOLDER = '_unsure';

/** Plans at once (so bad input is refused before a job starts); the returned job places the files. */
export function sortedCopies(library: Library, request: CurateCopyRequest): (ctx: JobContext) => Promise<CurateReport> {
  const { db } = library;
  requireAbsoluteFolder(request.outDir);
  const out = realOutPath(request.outDir);
  refuseOriginalsFolder(db, out);
  const byPrediction = request.by === 'prediction';
  const runId = resolveRun(db, request.runId, byPrediction);
  const names = classNames(db, runId);
  const nextName = createNamePlanner(out);
  const planned: PlannedFile[] = [];
  const skipped: CurateReport['skipped'] = [];
  for (const photo of selectPhotos(db, request.selection, runId)) {
    if (photo.status !== 'ok') {
      skipped.push({ path: photo.path, reason: `the photo is ${photo.status}${photo.statusReason ? ` (${photo.statusReason})` : ''}` });
      continue;
    }
    let group: string;
    if (byPrediction) {
      if (!photo.prediction) {
        skipped.push({ path: photo.path, reason: `no prediction from run ${runId}` });
        continue;
      }
      const sure = photo.prediction.confidence >= request.minConfidence;
      group = sure ? folderName(names.get(photo.prediction.classId) ?? String(photo.prediction.classId)) : UNSURE_FOLDER;
    } else {
      if (photo.className === null) {
        skipped.push({ path: photo.path, reason: 'no label' });
        continue;
      }
      group = folderName(photo.className);
    }
    planned.push({ photoId: photo.id, source: photo.path, target: nextName(group, photo.fileName), group });
  }
  return async (ctx) => {
    const placed = await placeFiles(planned, request.mode, request.dryRun, ctx);
    return {
      action: 'copy',
      dryRun: request.dryRun,
      out,
      runId: byPrediction ? runId : null,
      counts: countByGroup(planned),
      planned,
      written: placed.written,
      skipped: [...skipped, ...placed.skipped],
      manifest: null,
      cancelled: placed.cancelled,
    };
  };
}
