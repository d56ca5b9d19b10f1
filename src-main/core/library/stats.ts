// Library-wide counts for `studio stats` and the status bar.
import type { Database } from 'better-sqlite3';
import type { LibraryStats } from '../../api/schemas.js';
import { listClasses } from './classes.js';

export function getLibraryStats(db: Database): LibraryStats {
  const byStatusRows = db.prepare('SELECT status, COUNT(*) AS n FROM photos GROUP BY status').all() as { status: string; n: number }[];
  const byStatus = { ok: 0, missing: 0, unreadable: 0 };
  for (const row of byStatusRows) byStatus[row.status as keyof typeof byStatus] = row.n;
  const photos = byStatus.ok + byStatus.missing + byStatus.unreadable;
  const labeled = db.prepare('SELECT COUNT(*) FROM labels').pluck().get() as number;
  const dup = db
    .prepare('SELECT COUNT(DISTINCT dup_group) AS groups, COUNT(*) AS photos FROM photos WHERE dup_group IS NOT NULL')
    .get() as { groups: number; photos: number };
  return {
    photos,
    byStatus,
    labeled,
    unlabeled: photos - labeled,
    classes: listClasses(db),
    duplicateGroups: dup.groups,
    photosInDuplicateGroups: dup.photos,
  };
}
