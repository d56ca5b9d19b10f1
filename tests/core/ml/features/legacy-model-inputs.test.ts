// A library imported before preprocessing v4 (v2: 224 px stretched PNG model inputs; v3: JPEG working images decoded
// at sharp's own scale, every profile converted) re-imports without decoding again, still trains, and gets the v4
// working images on the way, with the features a fresh library gets: the stale files are never read.
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
import { legacyModelInputPaths, modelInputPath } from '../../../../src-main/core/photos/derived-files.js';
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

/** What import wrote before v4: half the photos as v2 (the 224 px stretched PNG), half as v3 (the JPEG working image). */
async function downgrade(library: Library): Promise<void> {
  for (const [i, photo] of hashes(library).entries()) {
    fs.rmSync(modelInputPath(library.paths, photo.contentHash));
    const [v2, v3] = legacyModelInputPaths(library.paths, photo.contentHash);
    const upright = sharp(photo.path).rotate().removeAlpha();
    if (i % 2 === 0) await upright.resize(224, 224, { fit: 'fill' }).png({ compressionLevel: 1 }).toFile(v2!);
    else await upright.resize(329, 329, { fit: 'outside', kernel: 'linear' }).jpeg({ quality: 90, chromaSubsampling: '4:4:4' }).toFile(v3!);
  }
}

const legacyFiles = (library: Library, hash: string) => legacyModelInputPaths(library.paths, hash).filter((file) => fs.existsSync(file));

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

describe('a library with the pre-v4 model-input caches (v2 PNG, v3 JPEG)', () => {
  it('re-imports as unchanged, trains, and leaves v4 model inputs in their place with the features of a fresh import', { timeout: 300_000 }, async () => {
    const fresh = await importedLibrary();
    const old = await importedLibrary();
    await downgrade(old);

    const again = await importFolder(old, { root: photos, labelsFromFolders: true }, createJobContext({}));
    expect([again.unchanged, again.added, again.updated]).toEqual([10, 0, 0]);
    expect(hashes(old).every((p) => !fs.existsSync(modelInputPath(old.paths, p.contentHash)))).toBe(true);
    expect(hashes(old).map((p) => path.extname(legacyFiles(old, p.contentHash)[0] ?? '')).sort()).toEqual([...Array(5).fill('.jpg'), ...Array(5).fill('.png')]);

    // the v3 files hold other pixels than v4 (½-scale decode, sRGB profile kept): reading them would show below
    const differs = await Promise.all(
      hashes(old)
        .map((p) => legacyFiles(old, p.contentHash)[0]!)
        .filter((file) => file.endsWith('.jpg'))
        .map(async (file) => !(await sharp(file).raw().toBuffer()).equals(await sharp(modelInputPath(fresh.paths, path.basename(file, '.jpg'))).raw().toBuffer())),
    );
    expect(differs.filter(Boolean).length).toBeGreaterThan(0);

    const config = resolveTrainingConfig(SETTINGS);
    const run = await trainRun(old, config, createJobContext({}), cachedFeatureDeps(old, embedder, config, backend.name));
    expect(run.metrics.accuracy).toBeGreaterThanOrEqual(0);
    for (const photo of hashes(old)) {
      expect(fs.existsSync(modelInputPath(old.paths, photo.contentHash)), photo.path).toBe(true);
      expect(legacyFiles(old, photo.contentHash), photo.path).toEqual([]);
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
