// Fails when an import goes the wrong way between layers (shared/STYLE.md "Dependency direction").
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));

/** Layers below core/ml. */
const ML_BELOW = ['src-main/api', 'src-main/core/library', 'src-main/core/jobs', 'src-main/core/photos'];

/** Folder (relative to the repo) → folders it may import from (besides itself and npm packages). */
const ALLOWED: Array<{ layer: string; mayImport: string[]; forbiddenPackages?: string[] }> = [
  { layer: 'src-main/api', mayImport: [], forbiddenPackages: ['electron', 'better-sqlite3', 'sharp', '@tensorflow/tfjs'] },
  { layer: 'src-main/core/library', mayImport: ['src-main/api'], forbiddenPackages: ['electron'] },
  { layer: 'src-main/core/jobs', mayImport: ['src-main/api', 'src-main/core/library'], forbiddenPackages: ['electron'] },
  { layer: 'src-main/core/photos', mayImport: ['src-main/api', 'src-main/core/library', 'src-main/core/jobs'], forbiddenPackages: ['electron'] },
  // core/ml, bottom to top: workers → backbone → features (incl. the ONNX Runtime engine) → neighbours, training → runs
  { layer: 'src-main/core/ml/workers', mayImport: [], forbiddenPackages: ['electron'] },
  { layer: 'src-main/core/ml/backbone', mayImport: [...ML_BELOW, 'src-main/core/ml/workers'], forbiddenPackages: ['electron'] },
  { layer: 'src-main/core/ml/features', mayImport: [...ML_BELOW, 'src-main/core/ml/workers', 'src-main/core/ml/backbone'], forbiddenPackages: ['electron'] },
  {
    layer: 'src-main/core/ml/neighbours',
    mayImport: [...ML_BELOW, 'src-main/core/ml/workers', 'src-main/core/ml/backbone', 'src-main/core/ml/features'],
    forbiddenPackages: ['electron'],
  },
  {
    layer: 'src-main/core/ml/training',
    mayImport: [...ML_BELOW, 'src-main/core/ml/workers', 'src-main/core/ml/backbone', 'src-main/core/ml/features'],
    forbiddenPackages: ['electron'],
  },
  {
    layer: 'src-main/core/ml/runs',
    mayImport: [...ML_BELOW, 'src-main/core/ml/workers', 'src-main/core/ml/backbone', 'src-main/core/ml/features', 'src-main/core/ml/neighbours', 'src-main/core/ml/training'],
    forbiddenPackages: ['electron'],
  },
  { layer: 'src-main/core/ml', mayImport: ML_BELOW, forbiddenPackages: ['electron'] },
  {
    layer: 'src-main/core/curate',
    mayImport: ['src-main/api', 'src-main/core/library', 'src-main/core/jobs', 'src-main/core/photos', 'src-main/core/ml'],
    forbiddenPackages: ['electron'],
  },
  { layer: 'src-main/core', mayImport: ['src-main/api'], forbiddenPackages: ['electron'] },
  { layer: 'src-main/cli', mayImport: ['src-main/api', 'src-main/core/studio.ts', 'src-main/core/jobs', 'src-main/core/library/library-location.ts', 'src-main/server', 'src-main/server.ts', 'src-main/cli.ts'] },
  { layer: 'src-main/server', mayImport: ['src-main/api', 'src-main/core/studio.ts', 'src-main/core/jobs', 'src-main/core/library/library-location.ts'] },
  { layer: 'src-main/electron', mayImport: ['src-main/api', 'src-main/core/studio.ts', 'src-main/core/jobs', 'src-main/core/library/library-location.ts'] },
];

const IMPORT_RE = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|svelte)$/.test(entry.name) ? [full] : [];
  });
}

function importsOf(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT_RE)].map((m) => ({ spec: (m[3] ?? m[4] ?? m[5]) as string, typeOnly: Boolean(m[2]) }));
}

function resolveRelative(file: string, spec: string): string {
  return path.relative(ROOT, path.resolve(path.dirname(file), spec)).replace(/\.js$/, '.ts');
}

function layerOf(relative: string): (typeof ALLOWED)[number] | undefined {
  // most specific layer first
  return [...ALLOWED].sort((a, b) => b.layer.length - a.layer.length).find((l) => relative === l.layer || relative.startsWith(`${l.layer}/`) || relative === `${l.layer}.ts`);
}

describe('layering', () => {
  it('keeps every import of src-main inside its allowed direction', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(path.join(ROOT, 'src-main'))) {
      const rel = path.relative(ROOT, file);
      const layer = layerOf(rel);
      if (!layer) continue;
      for (const { spec } of importsOf(file)) {
        if (!spec.startsWith('.')) {
          if (layer.forbiddenPackages?.some((p) => spec === p || spec.startsWith(`${p}/`))) violations.push(`${rel} imports ${spec}`);
          continue;
        }
        const target = resolveRelative(file, spec);
        const own = target === layer.layer || target.startsWith(`${layer.layer}/`);
        const allowed = layer.mayImport.some((a) => target === a || target.startsWith(`${a}/`) || `${target}` === a);
        if (!own && !allowed) violations.push(`${rel} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('lets the renderer import only types from src-main/api', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(path.join(ROOT, 'src-renderer'))) {
      for (const { spec, typeOnly } of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = resolveRelative(file, spec);
        if (!target.startsWith('src-main/')) continue;
        if (!target.startsWith('src-main/api/') || !typeOnly) violations.push(`${path.relative(ROOT, file)} imports ${target}${typeOnly ? '' : ' (not type-only)'}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
