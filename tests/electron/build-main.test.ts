import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMain, OUT_DIR } from '../../scripts/build-main.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';

// Inside the repo (next to dist/main) so the built modules resolve node_modules as the real build does.
const outDir = path.join(path.dirname(OUT_DIR), `.test-main-${process.pid}`);

describe('buildMain', () => {
  beforeAll(async () => {
    await buildMain(outDir);
  });
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('writes the entry points main.js, preload.cjs and electron/core-host.js', () => {
    for (const file of ['main.js', 'preload.cjs', 'electron/core-host.js']) expect(fs.existsSync(path.join(outDir, file)), file).toBe(true);
  });

  it('bundles the preload into one CommonJS file that requires only electron', () => {
    const preload = fs.readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
    const requires = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(preload).not.toMatch(/\bimport\s*\{/);
    expect(preload).toContain('exposeInMainWorld("studio"');
  });

  it('keeps the main process free of the core: main.js never loads better-sqlite3, sharp or tfjs', () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = fs.readFileSync(file, 'utf8');
      for (const [, spec] of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*["']([^"']+)["']/g)) {
        if (!spec) continue;
        if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec));
        else packages.add(spec);
      }
    };
    visit(path.join(outDir, 'main.js'));
    expect([...packages].filter((p) => /better-sqlite3|sharp|tensorflow/.test(p))).toEqual([]);
    expect([...packages]).toContain('electron');
  });

  it('produces a core that runs as plain ESM: the built studio opens a library', async () => {
    const { openStudio } = (await import(pathToFileURL(path.join(outDir, 'core', 'studio.js')).href)) as typeof import('../../src-main/core/studio.js');
    const studio = openStudio(makeTempDir('built-core-'));
    try {
      expect(await studio.api['library.info']({})).toMatchObject({ schemaVersion: expect.any(Number) });
    } finally {
      await studio.close();
    }
  });

  it('starts the built embedding workers through the import-free worker-entry.js', async () => {
    const { createEmbeddingPool } = (await import(pathToFileURL(path.join(outDir, 'core', 'ml', 'features', 'embedding-pool.js')).href)) as typeof import('../../src-main/core/ml/features/embedding-pool.js');
    const weightsDir = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');
    const pool = await createEmbeddingPool({ config: { alpha: 0.35, inputSize: 96, weightsDir }, backend: 'cpu', workers: 1 });
    try {
      expect(pool.backboneId).toMatch(/^mobilenet_v2_0\.35_/);
    } finally {
      await pool.close();
    }
    expect(fs.readFileSync(path.join(outDir, 'core', 'ml', 'workers', 'worker-entry.js'), 'utf8')).not.toMatch(/from\s+["']\./);
  });
});
