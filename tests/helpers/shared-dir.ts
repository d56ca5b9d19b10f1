// The read-only data folder next to the repository (../shared): real photos, datasets, model weights.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_DIR = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared');
