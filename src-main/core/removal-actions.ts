// photos.remove / photos.restore for the API: a removal waits for no one, so it is refused while a training or an
// import of this library is writing rows of the photos it would take away; near-duplicate groups follow the change.
import { StudioError } from '../api/errors.js';
import type { RemovalReport, RemoveRequest, RestoreReport } from '../api/removal-schemas.js';
import type { JobManager } from './jobs/job-manager.js';
import type { Library } from './library/library.js';
import { updateDuplicateGroups } from './photos/near-duplicates.js';
import { removePhotos, restoreRemoval } from './photos/remove-photos.js';
import { trainingLockOwner } from './training-lock.js';

export function createRemovalActions(library: Library, jobs: JobManager) {
  const { db } = library;
  return {
    async remove(request: RemoveRequest): Promise<RemovalReport> {
      if (!request.dryRun) {
        // a running training writes its snapshot and predictions for the photo ids it read at its start
        if (trainingLockOwner(db)) throw new StudioError('CONFLICT', 'A training is running on this library; remove photos after it finishes or is cancelled');
        if (jobs.list().some((job) => job.kind === 'import' && job.status === 'running')) {
          throw new StudioError('CONFLICT', 'An import is running on this library; remove photos after it finishes');
        }
      }
      const report = removePhotos(db, request);
      if (report.removalId !== null) await updateDuplicateGroups(db);
      return report;
    },
    async restore(request: { removalId?: number | undefined }): Promise<RestoreReport> {
      const report = restoreRemoval(db, request.removalId);
      if (report.restored > 0) await updateDuplicateGroups(db);
      return report;
    },
  };
}
