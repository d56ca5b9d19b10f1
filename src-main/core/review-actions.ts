// Review actions on a photo from a review queue: take the model's class, relabel, keep (confirm) the label,
// exclude from training, and their undos (unkeep, include).
import type { Database } from 'better-sqlite3';
import { StudioError } from '../api/errors.js';
import type { LabelChangeResult } from '../api/schemas.js';
import type { ReviewAction } from '../api/training-schemas.js';
import { setLabels } from './library/labels.js';
import { confirmLabel, removeConfirmation, setExcluded } from './library/review-marks.js';
import { getRunConfig, latestDoneRunId } from './ml/runs/runs.js';

export function resolveReview(db: Database, action: ReviewAction): LabelChangeResult {
  const runId = action.runId ?? latestDoneRunId(db);
  const noChange: LabelChangeResult = { batchId: null, changed: 0, photoIds: [] };
  switch (action.action) {
    case 'accept': {
      if (runId === null) throw new StudioError('NOT_FOUND', 'No finished run to take a prediction from');
      const predicted = db.prepare('SELECT class_id FROM predictions WHERE run_id = ? AND photo_id = ?').pluck().get(runId, action.photoId) as
        | number
        | undefined;
      if (predicted === undefined) throw new StudioError('NOT_FOUND', `Run ${runId} has no prediction for photo ${action.photoId}`);
      if (!getRunConfig(db, runId).classes.some((c) => c.id === predicted)) throw new StudioError('CONFLICT', 'The predicted class no longer exists');
      return setLabels(db, { photoIds: [action.photoId], classId: predicted, source: 'review' });
    }
    case 'relabel':
      if (action.classId === undefined) throw new StudioError('INVALID_INPUT', 'relabel expects classId; received none');
      return setLabels(db, { photoIds: [action.photoId], classId: action.classId, source: 'review' });
    case 'keep':
      confirmLabel(db, action.photoId);
      return noChange;
    case 'exclude':
      if (setExcluded(db, [action.photoId], true) === 0) throw new StudioError('NOT_FOUND', `No photo with id ${action.photoId}`);
      return noChange;
    case 'unkeep':
      removeConfirmation(db, action.photoId);
      return noChange;
    case 'include':
      if (setExcluded(db, [action.photoId], false) === 0) throw new StudioError('NOT_FOUND', `No photo with id ${action.photoId}`);
      return noChange;
  }
}
