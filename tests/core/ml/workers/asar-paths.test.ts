import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { unpackedPath, unpackedUrl } from '../../../../src-main/core/ml/workers/asar-paths.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

/** The layout electron-builder makes: resources/app.asar (one file) and resources/app.asar.unpacked/… (a folder). */
function packagedLayout(): { resources: string } {
  const resources = path.join(makeTempDir('packaged-'), 'Hike Photo Studio', 'resources');
  fs.mkdirSync(resources, { recursive: true });
  fs.writeFileSync(path.join(resources, 'app.asar'), 'archive');
  for (const file of ['node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm', 'dist/main/core/ml/workers/worker-entry.js']) {
    fs.mkdirSync(path.join(resources, 'app.asar.unpacked', path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(resources, 'app.asar.unpacked', file), '');
  }
  return { resources };
}

describe('unpackedPath', () => {
  it('maps a folder and a file inside app.asar to their unpacked copies', () => {
    const { resources } = packagedLayout();
    const wasmDir = path.join(resources, 'app.asar', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
    expect(unpackedPath(wasmDir)).toBe(path.join(resources, 'app.asar.unpacked', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist'));
    const entry = pathToFileURL(path.join(resources, 'app.asar', 'dist', 'main', 'core', 'ml', 'workers', 'worker-entry.js'));
    expect(unpackedUrl(entry).href).toBe(pathToFileURL(path.join(resources, 'app.asar.unpacked', 'dist', 'main', 'core', 'ml', 'workers', 'worker-entry.js')).href);
  });

  it('leaves files kept inside the archive, unpacked paths and paths outside a packaged app unchanged', () => {
    const { resources } = packagedLayout();
    const inArchive = path.join(resources, 'app.asar', 'dist', 'main', 'core', 'studio.js');
    expect(unpackedPath(inArchive)).toBe(inArchive);
    const already = path.join(resources, 'app.asar.unpacked', 'dist', 'main', 'core', 'ml', 'workers', 'worker-entry.js');
    expect(unpackedPath(already)).toBe(already);
    expect(unpackedPath('/home/me/my-app.asar/x.wasm', () => true)).toBe('/home/me/my-app.asar/x.wasm');
    expect(unpackedPath('/repo/node_modules/x.wasm', () => true)).toBe('/repo/node_modules/x.wasm');
  });

  it('handles Windows separators', () => {
    const seen: string[] = [];
    const mapped = unpackedPath('C:\\Program Files\\Hike\\resources\\app.asar\\node_modules\\a.wasm', (p) => (seen.push(p), true));
    expect(mapped).toBe('C:\\Program Files\\Hike\\resources\\app.asar.unpacked\\node_modules\\a.wasm');
    expect(seen).toEqual([mapped]);
  });
});
