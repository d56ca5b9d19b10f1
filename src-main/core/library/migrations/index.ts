// The ordered list of migrations. Adding a table later means adding one file here.
import type { Migration } from './migration.js';
import { migration0001 } from './0001-photos-labels.js';
import { migration0002 } from './0002-features.js';
import { migration0003 } from './0003-runs.js';
import { migration0004 } from './0004-review-marks.js';
import { migration0005 } from './0005-relative-model-dirs.js';
import { migration0006 } from './0006-outlier-scores.js';
import { migration0007 } from './0007-removals.js';
import { migration0008 } from './0008-place-ids.js';
import { migration0009 } from './0009-natural-name-order.js';

export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009];
