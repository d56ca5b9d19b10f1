// A library imported before preprocessing v3 (224 px stretched PNG model inputs) re-imports without decoding again,
// still trains, and gets the JPEG working images on the way, with the features a fresh library gets.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobContext } from '../../../../src-main/core/jobs/job-context.js';
import { openLibrary, type Library } from '../../../../src-main/core/library/library.js';
import { selectBackend, type MlBackend } from '../../../../src-main/core/ml/backbone/backend.js';
import type { Embedder } from '../../../../src-main/core/ml/features/embed.js';
import { createEmbedder } from '../../../../src-main/core/ml/features/embedding-pool.js';
import { ensureFeatures } from '../../../../src-main/core/ml/features/feature-cache.js';
import { cachedFeatureDeps } from '../../../../src-main/core/ml/runs/training-features.js';
import { trainRun } from '../../../../src-main/core/ml/runs/train-run.js';
import { resolveTrainingConfig } from '../../../../src-main/core/ml/training/training-config.js';
import { legacyModelInputPath, modelInputPath } from '../../../../src-main/core/photos/derived-files.js';
import { importFolder } from '../../../../src-main/core/photos/import-folder.js';
import { copyAlpacaSubset } from '../../../helpers/alpaca-subset.js';
import { SHARED_DIR } from '../../../helpers/shared-dir.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

const WEIGHTS_DIR = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');
const SETTINGS = { alpha: 0.35, inputSize: 96, weightsDir: WEIGHTS_DIR, kfold: 0, epochs: 3, mirror: false } as const;

let backend: MlBackend;
let embedder: Embedder;
let photos: string;
const libraries: Library[] = [];

async function importedLibrary(): Promise<Library> {
  const library = openLibrary(makeTempDir('legacy-cache-'));
  libraries.push(library);
  await importFolder(library, { root: photos, labelsFromFolders: true }, createJobContext({}));
  return library;
}

function hashes(library: Library): Array<{ id: number; contentHash: string; path: string }> {
  return library.db.prepare('SELECT id, content_hash AS contentHash, path FROM photos ORDER BY path').all() as Array<{ id: number; contentHash: string; path: string }>;
}

/** What import wrote before v3: the 224 px stretched PNG, and no JPEG. */
async function downgrade(library: Library): Promise<void> {
  for (const photo of hashes(library)) {
    fs.rmSync(modelInputPath(library.paths, photo.contentHash));
    await sharp(photo.path).rotate().removeAlpha().resize(224, 224, { fit: 'fill' }).png({ compressionLevel: 1 }).toFile(legacyModelInputPath(library.paths, photo.contentHash));
  }
}

beforeAll(async () => {
  photos = copyAlpacaSubset(makeTempDir('legacy-photos-'), 5);
  backend = await selectBackend('wasm');
  const config = resolveTrainingConfig(SETTINGS);
  embedder = await createEmbedder(backend, { alpha: config.alpha, inputSize: config.inputSize, resize: config.resize, weightsDir: WEIGHTS_DIR });
});

afterAll(async () => {
  await embedder?.close();
  for (const library of libraries) library.close();
});

describe('a library with the pre-v3 model-input cache', () => {
  it('re-imports as unchanged, trains, and leaves JPEG model inputs with the features of a fresh import', { timeout: 300_000 }, async () => {
    const fresh = await importedLibrary();
    const old = await importedLibrary();
    await downgrade(old);

    const again = await importFolder(old, { root: photos, labelsFromFolders: true }, createJobContext({}));
    expect([again.unchanged, again.added, again.updated]).toEqual([10, 0, 0]);
    expect(hashes(old).every((p) => !fs.existsSync(modelInputPath(old.paths, p.contentHash)))).toBe(true);

    const config = resolveTrainingConfig(SETTINGS);
    const run = await trainRun(old, config, createJobContext({}), cachedFeatureDeps(old, embedder, config, backend.name));
    expect(run.metrics.accuracy).toBeGreaterThanOrEqual(0);
    for (const photo of hashes(old)) {
      expect(fs.existsSync(modelInputPath(old.paths, photo.contentHash)), photo.path).toBe(true);
      expect(fs.existsSync(legacyModelInputPath(old.paths, photo.contentHash)), photo.path).toBe(false);
    }

    const request = (library: Library) => ({ photos: hashes(library), embedder, views: ['original'] });
    const fromOld = await ensureFeatures(old, request(old), createJobContext({}));
    const fromFresh = await ensureFeatures(fresh, request(fresh), createJobContext({}));
    expect(fromOld.computed).toBe(0); // the training cached them
    expect(fromFresh.computed).toBe(10);
    let maxAbs = 0;
    for (let i = 0; i < fromFresh.data.length; i++) maxAbs = Math.max(maxAbs, Math.abs(fromFresh.data[i]! - fromOld.data[i]!));
    expect(maxAbs).toBeLessThan(1e-5);
  });
});
