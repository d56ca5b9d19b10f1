// Shared setup for the import tests: a fresh library in a temp folder, a quiet job context, row lookups.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { createJobContext, type JobContext } from '../../../src-main/core/jobs/job-context.js';
import { openLibrary, type Library } from '../../../src-main/core/library/library.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

export function openTempLibrary(prefix = 'import-lib-'): Library {
  const library = openLibrary(makeTempDir(prefix));
  afterAll(() => library.close());
  return library;
}

export function quietContext(signal?: AbortSignal): JobContext {
  return createJobContext(signal ? { signal } : {});
}

export interface RowView {
  id: number;
  path: string;
  content_hash: string;
  status: string;
  status_reason: string | null;
  width: number;
  height: number;
  dup_group: number | null;
  class_name: string | null;
}

export function rowByName(library: Library, fileName: string): RowView | undefined {
  return library.db
    .prepare(
      `SELECT p.*, c.name AS class_name FROM photos p LEFT JOIN labels l ON l.photo_id = p.id
       LEFT JOIN classes c ON c.id = l.class_id WHERE p.file_name = ?`,
    )
    .get(fileName) as RowView | undefined;
}

export function copyInto(dir: string, files: Record<string, string>): void {
  for (const [target, source] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, target)), { recursive: true });
    fs.copyFileSync(source, path.join(dir, target));
  }
}
