// The shape of one schema migration. Files are named NNNN-name.ts; versions only go up; released ones are never edited.
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
