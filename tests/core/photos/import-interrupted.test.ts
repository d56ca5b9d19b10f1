// An import that is cancelled or killed leaves a consistent library, and the next import completes it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Library } from '../../../src-main/core/library/library.js';
import { openLibrary } from '../../../src-main/core/library/library.js';
import { createJobContext } from '../../../src-main/core/jobs/job-context.js';
import { modelInputPath, thumbnailPath } from '../../../src-main/core/photos/derived-files.js';
import { IMPORT_BATCH_SIZE, importFolder } from '../../../src-main/core/photos/import-folder.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';
import { openTempLibrary, quietContext } from './import-helpers.js';

const ALPACA_DIR = path.join(SHARED_DIR, 'datasets', 'alpaca');
const CHILD = fileURLToPath(new URL('./import-child.ts', import.meta.url));

function expectConsistent(library: Library): number {
  expect(library.db.pragma('integrity_check', { simple: true })).toBe('ok');
  const hashes = library.db.prepare('SELECT content_hash FROM photos').pluck().all() as string[];
  for (const hash of hashes) {
    expect(fs.existsSync(thumbnailPath(library.paths, hash)), `thumbnail of ${hash}`).toBe(true);
    expect(fs.existsSync(modelInputPath(library.paths, hash)), `model input of ${hash}`).toBe(true);
  }
  return hashes.length;
}

describe('importFolder interrupted', () => {
  it('stops when cancelled, keeps what it committed, and a second import completes', async () => {
    const library = openTempLibrary();
    const controller = new AbortController();
    const ctx = createJobContext({ signal: controller.signal });
    const report = ctx.report.bind(ctx);
    ctx.report = (update) => {
      if (update.stage === 'import' && update.done >= 40) controller.abort();
      report(update);
    };
    const first = await importFolder(library, { root: ALPACA_DIR, labelsFromFolders: true }, ctx);
    expect(first.cancelled).toBe(true);
    expect(first.added).toBeGreaterThanOrEqual(40);
    expect(first.added).toBeLessThan(327);
    expect(first.markedMissing).toBe(0);
    expect(expectConsistent(library)).toBe(first.added);

    const second = await importFolder(library, { root: ALPACA_DIR, labelsFromFolders: true }, quietContext());
    expect(second).toMatchObject({ cancelled: false, added: 327 - first.added, unchanged: first.added });
    expect(expectConsistent(library)).toBe(327);
    expect(library.db.prepare('SELECT COUNT(*) FROM labels').pluck().get()).toBe(327);
  });

  it('survives kill -9 mid-import: intact database, no row without its files, next import completes', async () => {
    const libraryDir = makeTempDir('killed-lib-');
    // the child holds still once HOLD_AT files are done (its thread pool may still be writing cache files) and
    // says so; it is killed then, so the kill lands mid-import whatever the machine's speed
    const HOLD_AT = 3 * IMPORT_BATCH_SIZE + 5;
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, libraryDir, ALPACA_DIR, String(HOLD_AT)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    const exit = await new Promise<NodeJS.Signals | null>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (output.includes(`held ${HOLD_AT}`)) child.kill('SIGKILL');
      });
      child.on('exit', (_code, signal) => resolve(signal));
    });
    expect(exit).toBe('SIGKILL');
    expect(output).not.toContain('finished');

    const library = openLibrary(libraryDir);
    try {
      // every full batch before the hold was committed; nothing after it was
      expect(expectConsistent(library)).toBe(Math.floor(HOLD_AT / IMPORT_BATCH_SIZE) * IMPORT_BATCH_SIZE);
      const summary = await importFolder(library, { root: ALPACA_DIR, labelsFromFolders: true }, quietContext());
      expect(summary.cancelled).toBe(false);
      expect(summary.added + summary.unchanged).toBe(327);
      expect(expectConsistent(library)).toBe(327);
      expect(library.db.prepare('SELECT COUNT(*) FROM labels').pluck().get()).toBe(327);
    } finally {
      library.close();
    }
  });
});
