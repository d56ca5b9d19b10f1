// Picks the CLI entry: the built JavaScript (dist/main/cli.js, from `npm run build`) when no source file is newer
// than the build, so `studio` skips tsx's ~0.2 s start-up; otherwise null and bin/studio.js runs the sources.
import fs from 'node:fs';
import path from 'node:path';

function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** dist/main/cli.js under `root` when it is at least as new as every src-main/**\/*.ts; null otherwise. */
export function freshBuiltCli(root) {
  const cli = path.join(root, 'dist', 'main', 'cli.js');
  try {
    return newestMtimeMs(path.join(root, 'src-main')) <= fs.statSync(cli).mtimeMs ? cli : null;
  } catch {
    return null;
  }
}
