// A small labeled photo folder for tests: the first photos (by name) of each alpaca class, copied into
// `<root>/alpaca/` and `<root>/not_alpaca/` so imports label them from their folders and originals stay untouched.
import fs from 'node:fs';
import path from 'node:path';
import { SHARED_DIR } from './shared-dir.js';

export const ALPACA_DATASET = path.join(SHARED_DIR, 'datasets', 'alpaca');
export const ALPACA_CLASSES = ['alpaca', 'not_alpaca'] as const;

/** Every file name of a class, sorted: the order the subsets take them in. */
export function alpacaNames(className: string): string[] {
  return fs.readdirSync(path.join(ALPACA_DATASET, className)).sort();
}

/** Copies the first `perClass` photos of each class into `root/<class>/`; returns `root`. */
export function copyAlpacaSubset(root: string, perClass: number): string {
  for (const c of ALPACA_CLASSES) {
    fs.mkdirSync(path.join(root, c), { recursive: true });
    for (const name of alpacaNames(c).slice(0, perClass)) fs.copyFileSync(path.join(ALPACA_DATASET, c, name), path.join(root, c, name));
  }
  return root;
}
