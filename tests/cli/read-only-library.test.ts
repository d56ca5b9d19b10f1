// A library that cannot be written (folder and database read-only) still answers read commands; a write fails with
// one line naming the library folder and exit code 6, never a stack trace.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createClass } from '../../src-main/core/library/classes.js';
import { setLabels } from '../../src-main/core/library/labels.js';
import { openLibrary } from '../../src-main/core/library/library.js';
import { insertSyntheticPhotos } from '../helpers/insert-photos.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const STUDIO_BIN = fileURLToPath(new URL('../../bin/studio.js', import.meta.url));

/**
 * Runs the CLI with the library folder bind-mounted read-only in a user+mount namespace (`unshare -Urm`, no
 * privileges needed): root ignores file modes, a read-only mount holds for everyone, wherever the repo is cloned.
 */
function studio(libraryDir: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = 'mount --bind -o ro "$0" "$0" && shift && exec "$@"';
  return new Promise((resolve) => {
    execFile('unshare', ['-Urm', 'sh', '-c', script, libraryDir, 'ignored', process.execPath, STUDIO_BIN, ...argv], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function setModes(dir: string, dirMode: number, fileMode: number): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) setModes(full, dirMode, fileMode);
    else fs.chmodSync(full, fileMode);
  }
  fs.chmodSync(dir, dirMode);
}

describe('a read-only library', () => {
  it('opens read-only for stats and listings, and refuses writes with one line naming the folder', async () => {
    const temp = makeTempDir('read-only-');
    fs.chmodSync(temp, 0o755);
    const dir = path.join(temp, 'library');
    const library = openLibrary(dir);
    const cat = createClass(library.db, 'cat').id;
    setLabels(library.db, { photoIds: insertSyntheticPhotos(library.db, 3), classId: cat, source: 'cli' });
    // GPS without a place yet, as an older app left it: places cannot be stored here, so none are listed
    library.db.prepare('UPDATE photos SET gps_lat = 46.5, gps_lon = 8.1').run();
    library.close();
    setModes(dir, 0o555, 0o444);
    try {
      const stats = await studio(dir, 'stats', '--library', dir, '--json');
      expect(stats.stderr).toBe('');
      expect(stats.code).toBe(0);
      expect(JSON.parse(stats.stdout)).toMatchObject({ photos: 3 });
      const classes = await studio(dir, 'classes', '--library', dir);
      expect(classes).toMatchObject({ code: 0, stderr: '' });
      expect(classes.stdout).toMatch(/\tcat\t3/);

      const places = await studio(dir, 'places', '--library', dir, '--json');
      expect(places).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(places.stdout)).toMatchObject({ places: [], noLocation: 0 });

      for (const write of [['classes', 'create', 'dog'], ['label', '1', '--none']]) {
        const refused = await studio(dir, ...write, '--library', dir);
        expect(refused.code, write.join(' ')).toBe(6);
        expect(refused.stderr.trim().split('\n'), write.join(' ')).toHaveLength(1);
        expect(refused.stderr).toContain(dir);
        expect(refused.stderr).toMatch(/read-only/);
      }
      expect(fs.readdirSync(dir).sort()).toEqual(['library.db', 'model-inputs', 'models', 'thumbnails']);
    } finally {
      setModes(dir, 0o755, 0o644);
    }
  }, 60_000);
});
