// The folders that hold library photos, each with its count of photos directly in it (the folder tree's data).
import type { Database } from 'better-sqlite3';
import type { FolderCount } from '../../api/schemas.js';

export function listFolderCounts(db: Database): FolderCount[] {
  // GROUP BY reads the photos_folder_name index in folder order
  return db.prepare('SELECT folder, COUNT(*) AS photos FROM photos GROUP BY folder ORDER BY folder').all() as FolderCount[];
}
