// What a run trains on: the classes with labeled photos, the usable labeled photos, and the unlabeled ones to predict.
import type { Database } from 'better-sqlite3';
import { StudioError } from '../../../api/errors.js';
import type { RunClass } from './runs.js';

export interface FeaturePhoto {
  id: number;
  contentHash: string;
  path: string;
}

export interface LabeledPhoto extends FeaturePhoto {
  /** index into the run's class list */
  classIndex: number;
  dupGroup: number | null;
}

export interface DatasetSnapshot {
  classes: RunClass[];
  labeled: LabeledPhoto[];
  unlabeled: FeaturePhoto[];
}

interface Row {
  id: number;
  contentHash: string;
  path: string;
  dupGroup: number | null;
  classId: number | null;
}

/**
 * In content-hash order: a run depends on the photos and their labels, not on the ids one library gave them.
 * Photos with status 'ok' only (missing and unreadable ones cannot be embedded), never the ones excluded in review. With `classes` (frozen when the run
 * was created) a photo labeled with a class created since is left out; without it, the classes are those with
 * at least one labeled photo, in the user's order. Needs two classes with two photos each.
 */
export function snapshotDataset(db: Database, classes?: readonly RunClass[]): DatasetSnapshot {
  const runClasses =
    classes?.slice() ??
    (db
      .prepare(
        `SELECT c.id, c.name FROM classes c
         WHERE EXISTS (SELECT 1 FROM labels l JOIN photos p ON p.id = l.photo_id WHERE l.class_id = c.id AND p.status = 'ok' AND p.excluded = 0)
         ORDER BY c.sort_order, c.id`,
      )
      .all() as RunClass[]);
  const indexOf = new Map(runClasses.map((c, i) => [c.id, i]));
  const rows = db
    .prepare(
      `SELECT p.id, p.content_hash AS contentHash, p.path, p.dup_group AS dupGroup, l.class_id AS classId
       FROM photos p LEFT JOIN labels l ON l.photo_id = p.id
       WHERE p.status = 'ok' AND p.excluded = 0 ORDER BY p.content_hash, p.id`,
    )
    .all() as Row[];
  const labeled: LabeledPhoto[] = [];
  const unlabeled: FeaturePhoto[] = [];
  for (const row of rows) {
    const photo = { id: row.id, contentHash: row.contentHash, path: row.path };
    if (row.classId === null) unlabeled.push(photo);
    else {
      const classIndex = indexOf.get(row.classId);
      if (classIndex !== undefined) labeled.push({ ...photo, classIndex, dupGroup: row.dupGroup });
    }
  }
  if (runClasses.length < 2) {
    throw new StudioError(
      'INVALID_INPUT',
      `Training needs labeled photos in at least 2 classes: expected 2 or more, received ${runClasses.length}${runClasses.length ? ` (${runClasses.map((c) => c.name).join(', ')})` : ''}`,
    );
  }
  runClasses.forEach((c, i) => {
    const count = labeled.filter((p) => p.classIndex === i).length;
    if (count < 2) {
      throw new StudioError('INVALID_INPUT', `Class '${c.name}' needs at least 2 labeled photos to train and validate: received ${count}`);
    }
  });
  return { classes: runClasses, labeled, unlabeled };
}
