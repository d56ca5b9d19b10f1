// What "originals are never modified" is checked against: every file under a folder with its content hash and
// modification time, compared before and after an operation.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory()).map((e) => path.join(e.parentPath, e.name));
}

/** path → sha256 and mtime of every file under `root` that `keep` accepts */
export function fingerprintFiles(root: string, keep: (file: string) => boolean = () => true): Map<string, string> {
  return new Map(
    filesUnder(root)
      .filter(keep)
      .map((f) => [f, `${crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex')} ${fs.statSync(f).mtimeMs}`]),
  );
}
