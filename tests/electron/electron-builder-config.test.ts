import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
// electron-builder's own loader and JSON-schema check (app-builder-lib ships at electron-builder's exact version).
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util/out/DebugLogger.js';
// the matcher electron-builder applies to asarUnpack patterns
import { minimatch } from 'minimatch';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  productName: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

describe('electron-builder.yml', () => {
  it("passes electron-builder's configuration schema", async () => {
    const config = await getConfig(ROOT, 'electron-builder.yml', null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // One product name: the installer's is the app's own.
    expect(config.productName).toBe(packageJson.productName);
    expect(config.appId).toMatch(/^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*){2,}$/);
  });

  it('would reject a misspelt option (the check is real)', async () => {
    const dir = makeTempDir('eb-config-');
    fs.writeFileSync(path.join(dir, 'electron-builder.yml'), `${fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')}\nasarUnpak: []\n`);
    const config = await getConfig(dir, 'electron-builder.yml', null);
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/asarUnpak/);
  });

  it('builds installers for every platform and packs the built app with its icon', async () => {
    const config = await getConfig(ROOT, 'electron-builder.yml', null);
    const targets = (platform: unknown) => (platform as { target: string[] }).target;
    for (const platform of [config.linux, config.mac, config.win]) expect(targets(platform).length).toBeGreaterThan(0);
    // The installers must not land in (or be packed from) the build output they package.
    expect(config.directories?.output).not.toMatch(/^dist(\/|$)/);
    // getConfig normalises `files` to [{ filter: [...] }]: the entry point and both builds are packed.
    const files = (config.files as { filter: string[] }[]).flatMap((entry) => entry.filter);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/main/**', 'dist/renderer/**']));
    expect(packageJson.main.startsWith('dist/main/')).toBe(true);
    for (const platform of [config.linux, config.mac, config.win]) {
      const icon = (platform as { icon: string }).icon;
      const meta = await sharp(path.join(ROOT, icon)).metadata();
      expect({ icon, width: meta.width, height: meta.height, format: meta.format }).toEqual({ icon, width: 512, height: 512, format: 'png' });
    }
  });

  it('unpacks every native module from the asar', async () => {
    const config = await getConfig(ROOT, 'electron-builder.yml', null);
    const unpacked = config.asarUnpack as string[];
    const native = ['better-sqlite3', 'sharp', ...Object.keys(packageJson.optionalDependencies ?? {}).filter((d) => d.startsWith('@tensorflow/tfjs-node'))];
    for (const name of native) expect(unpacked, name).toContain(`node_modules/${name}/**`);
    expect(unpacked).toContain('node_modules/@img/**');
    expect(unpacked.some((p) => p.includes('tfjs-backend-wasm') && p.endsWith('.wasm'))).toBe(true);
    expect(fs.readdirSync(path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')).some((f) => f.endsWith('.wasm'))).toBe(true);
  });

  it('unpacks every worker entry file and every .wasm binary the app loads by path', async () => {
    const unpacked = (await getConfig(ROOT, 'electron-builder.yml', null)).asarUnpack as string[];
    const isUnpacked = (file: string) => unpacked.some((pattern) => minimatch(file, pattern, { dot: true }));
    // worker entries: every `new Worker(unpackedUrl(new URL('./x.js', import.meta.url)))` in src-main, as built into dist/main
    const entries: string[] = [];
    const spawning: string[] = [];
    const visit = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(full);
        else if (entry.name.endsWith('.ts')) {
          const text = fs.readFileSync(full, 'utf8');
          if (text.includes('new Worker(')) spawning.push(path.relative(ROOT, full).split(path.sep).join('/'));
          for (const [, spec] of text.matchAll(/new Worker\(unpackedUrl\(new URL\(['`]([^'`]+)['`]/g)) {
            entries.push(path.relative(ROOT, path.join(path.dirname(full), spec!)).replace(/^src-main\//, 'dist/main/').split(path.sep).join('/'));
          }
        }
      }
    };
    visit(path.join(ROOT, 'src-main'));
    expect(entries).toEqual(['dist/main/core/ml/workers/worker-entry.js']);
    // every worker thread of src-main starts in that one file (the other `new Worker(` there is the tsx bootstrap)
    expect(spawning).toEqual(['src-main/core/ml/workers/spawn-worker.ts']);
    const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
    const wasm = fs.readdirSync(path.join(ROOT, wasmDir)).filter((f) => f.endsWith('.wasm'));
    expect(wasm.length).toBeGreaterThan(0);
    for (const file of [...entries, ...wasm.map((f) => `${wasmDir}/${f}`)]) expect(isUnpacked(file), file).toBe(true);
    expect(isUnpacked('dist/main/core/studio.js')).toBe(false);
  });

  it('rebuilds native modules for Electron only in the dist script, never on install', () => {
    expect(packageJson.scripts.dist).toMatch(/electron-builder install-app-deps && .*electron-builder/);
    expect(packageJson.scripts.postinstall ?? '').not.toMatch(/install-app-deps|electron-rebuild/);
  });
});
