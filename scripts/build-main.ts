// Builds the Electron main side into dist/main: every src-main module transpiled one-to-one (ESM, same layout,
// so worker files and relative imports keep working), plus the preload bundled into one CommonJS file, as a
// sandboxed preload cannot import other files. Type checking is `npm run typecheck:electron`, not this.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const SOURCE_DIR = path.join(ROOT, 'src-main');
export const OUT_DIR = path.join(ROOT, 'dist', 'main');
/** Lower bounds of what Electron 45 ships (its Node is at least 22; its Chromium runs ES2022). */
const NODE_TARGET = 'node22';
const PRELOAD_TARGET = 'es2022';

function listSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listSources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

export async function buildMain(outDir = OUT_DIR): Promise<{ modules: number; preloadBytes: number }> {
  fs.rmSync(outDir, { recursive: true, force: true });
  const preloadEntry = path.join(SOURCE_DIR, 'preload.ts');
  const modules = listSources(SOURCE_DIR).filter((file) => file !== preloadEntry);
  await build({
    entryPoints: modules,
    outbase: SOURCE_DIR,
    outdir: outDir,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: NODE_TARGET,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  // The output is ESM wherever it lands (an asar, a temp folder), not only under this package.json.
  fs.writeFileSync(path.join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  const preloadOut = path.join(outDir, 'preload.cjs');
  await build({
    entryPoints: [preloadEntry],
    outfile: preloadOut,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: PRELOAD_TARGET,
    external: ['electron'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return { modules: modules.length, preloadBytes: fs.statSync(preloadOut).size };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { modules, preloadBytes } = await buildMain();
  console.log(`dist/main: ${modules} modules, preload.cjs ${(preloadBytes / 1024).toFixed(1)} KiB`);
}
