// Vite build of the renderer (src-renderer → dist/renderer). base './' so index.html loads from file:// in Electron.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(repoRoot, 'src-renderer');
const mainDir = path.join(repoRoot, 'src-main');
const apiDir = path.join(mainDir, 'api');

/**
 * The renderer may use only the contract from src-main/api (types, plus pure schema code); anything else under
 * src-main is Node code. `import type` is erased before bundling, so any other src-main module that reaches the
 * bundle is a wrong-way runtime import and fails the build.
 */
function rendererImportBoundary(): Plugin {
  return {
    name: 'renderer-import-boundary',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || !importer.startsWith(rendererDir) || !source.includes('src-main')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const file = resolved?.id;
      if (file && file.startsWith(mainDir + path.sep) && !file.startsWith(apiDir + path.sep)) {
        throw new Error(`renderer imports Node code at runtime: ${path.relative(repoRoot, importer)} → ${path.relative(repoRoot, file)} (use \`import type\`)`);
      }
      return null;
    },
  };
}

export default defineConfig({
  root: rendererDir,
  base: './',
  plugins: [rendererImportBoundary(), svelte()],
  build: {
    outDir: path.join(repoRoot, 'dist', 'renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: { port: 5173, strictPort: false },
});
