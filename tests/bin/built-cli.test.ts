// bin/built-cli.js: `studio` runs the built CLI only while no source file is newer than the build.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshBuiltCli } from '../../bin/built-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

function project(): { root: string; source: string; cli: string } {
  const root = fs.mkdtempSync(path.join(tmp, 'project-'));
  const source = path.join(root, 'src-main', 'core', 'studio.ts');
  const cli = path.join(root, 'dist', 'main', 'cli.js');
  fs.mkdirSync(path.dirname(source), { recursive: true });
  fs.writeFileSync(source, 'export {};\n');
  return { root, source, cli };
}

function writeAt(file: string, seconds: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, '');
  fs.utimesSync(file, seconds, seconds);
}

const tmp = makeTempDir('built-cli-');

describe('freshBuiltCli', () => {
  it('picks dist/main/cli.js when it is newer than every source file', () => {
    const { root, source, cli } = project();
    writeAt(source, 1_000);
    writeAt(cli, 2_000);
    expect(freshBuiltCli(root)).toBe(cli);
  });

  it('runs the sources once a file deep in src-main was edited after the build', () => {
    const { root, source, cli } = project();
    writeAt(source, 1_000);
    writeAt(cli, 2_000);
    writeAt(path.join(root, 'src-main', 'core', 'ml', 'training', 'head.ts'), 3_000);
    expect(freshBuiltCli(root)).toBeNull();
  });

  it('runs the sources when there is no build', () => {
    expect(freshBuiltCli(project().root)).toBeNull();
  });
});
