// The real `studio` bin in child processes, with a probe that records every package loaded: commands that only
// read the library never load the ML and image stack (tfjs, ONNX Runtime, sharp, exiftool), which costs ~0.6 s of
// start-up; a command that needs one (import → sharp) shows the probe sees it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJobContext } from '../../src-main/core/jobs/job-context.js';
import { trainRun } from '../../src-main/core/ml/runs/train-run.js';
import { resolveTrainingConfig } from '../../src-main/core/ml/training/training-config.js';
import { copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeTrainingLibrary } from '../helpers/training-library.js';

const BIN = fileURLToPath(new URL('../../bin/studio.js', import.meta.url));
const PROBE = fileURLToPath(new URL('../helpers/package-probe.mjs', import.meta.url));
const HEAVY = ['@tensorflow', 'onnxruntime-node', 'onnx-proto', 'sharp', '@img', 'exiftool-vendored', 'exifr'];

/** Runs `studio …args` from the TypeScript sources with the probe; the exit code and the npm packages it loaded. */
async function studioLoading(args: string[], probeFile: string): Promise<{ code: number; packages: Set<string> }> {
  let code = 0;
  try {
    await promisify(execFile)(process.execPath, ['--import', PROBE, BIN, ...args], {
      env: { ...process.env, STUDIO_FROM_SOURCE: '1', PACKAGE_PROBE_OUT: probeFile, STUDIO_DEBUG: '' },
    });
  } catch (error) {
    code = (error as { code?: number }).code ?? -1;
  }
  const packages = new Set<string>();
  for (const line of fs.readFileSync(probeFile, 'utf8').split('\n')) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(line)?.[1];
    if (name) packages.add(name.startsWith('@') ? name.split('/')[0]! : name);
  }
  return { code, packages };
}

describe('studio start-up (real processes)', () => {
  const tmp = makeTempDir('cli-start-up-');
  let libraryDir = '';
  let runId = 0;

  beforeAll(async () => {
    const t = await makeTrainingLibrary({ classes: ['a', 'b'], perClass: 20, unlabeled: 4 });
    const config = resolveTrainingConfig({ epochs: 2, batchSize: 16, kfold: 2, mirror: false });
    ({ runId } = await trainRun(t.library, config, createJobContext({}), t.deps));
    libraryDir = t.library.paths.root;
    t.library.close();
  }, 60_000);

  it.each([
    'stats',
    'classes',
    'photos --limit 5',
    'runs',
    'run <run>',
    'review --queue label-errors --limit 5',
    'review --queue outliers --limit 5',
    '--help',
  ])('`studio %s` reads the library without loading tfjs, ONNX Runtime, sharp or exiftool', async (command) => {
    const argv = command.split(' ').map((a) => (a === '<run>' ? String(runId) : a));
    const probeFile = path.join(tmp, `probe-${argv.join('-')}.txt`);
    const { code, packages } = await studioLoading([...argv, '--library', libraryDir], probeFile);
    expect(code).toBe(0);
    expect(packages.has('better-sqlite3') || argv[0] === '--help').toBe(true);
    expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
  }, 60_000);

  it('sees sharp in a command that decodes images (`studio import`), so the probe can fail', async () => {
    const photos = copyAlpacaSubset(path.join(tmp, 'photos'), 1);
    const { code, packages } = await studioLoading(['import', photos, '--library', path.join(tmp, 'imported')], path.join(tmp, 'probe-import.txt'));
    expect(code).toBe(0);
    expect(packages.has('sharp')).toBe(true);
  }, 60_000);
});
