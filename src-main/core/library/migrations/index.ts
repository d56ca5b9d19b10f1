// The ordered list of migrations. Adding a table later means adding one file here.
import type { Migration } from './migration.js';
import { migration0001 } from './0001-photos-labels.js';

export const MIGRATIONS: readonly Migration[] = [migration0001];
