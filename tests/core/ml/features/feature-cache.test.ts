import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobContext } from '../../../../src-main/core/jobs/job-context.js';
import { openLibrary, type Library } from '../../../../src-main/core/library/library.js';
import { selectBackend } from '../../../../src-main/core/ml/backbone/backend.js';
import { createLocalEmbedder, type EmbedItem, type Embedder } from '../../../../src-main/core/ml/features/embed.js';
import { countFeatures, ensureFeatures, FEATURE_CHUNK, featureKeyOf, featureReader, putFeatures } from '../../../../src-main/core/ml/features/feature-cache.js';
import { deriveImages } from '../../../../src-main/core/photos/derive-images.js';
import { preprocessingSpec } from '../../../../src-main/core/ml/features/preprocess.js';
import { insertSyntheticPhotos } from '../../../helpers/insert-photos.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { alpacaPhotos, WEIGHTS_DIR } from '../embedding-fixtures.js';

const FILES = alpacaPhotos(6);
let library: Library;
let inner: Embedder;
const embedded: EmbedItem[] = [];
let counting: Embedder;
let photos: { id: number; contentHash: string }[];

beforeAll(async () => {
  library = openLibrary(makeTempDir());
  const { tf } = await selectBackend('wasm');
  inner = await createLocalEmbedder(tf, { alpha: 0.35, inputSize: 96, resize: 'fill', weightsDir: WEIGHTS_DIR });
  counting = {
    ...inner,
    embed: (items, options) => {
      embedded.push(...items);
      return inner.embed(items, options);
    },
  };
  const insert = library.db.prepare(
    `INSERT INTO photos (path, folder, file_name, content_hash, size_bytes, mtime_ms, imported_at, updated_at)
     VALUES (?, ?, ?, ?, 1, 0, 'now', 'now')`,
  );
  photos = [];
  for (const [i, file] of FILES.entries()) {
    const contentHash = `hash${i}`;
    // Half the photos have their model-input cache (as after import), the rest are embedded from the original.
    if (i % 2 === 0) await deriveImages(file, contentHash, library.paths);
    const id = Number(insert.run(file, path.dirname(file), path.basename(file), contentHash).lastInsertRowid);
    photos.push({ id, contentHash });
  }
});
afterAll(async () => {
  await inner.close();
  library.close();
});

function ctx(signal?: AbortSignal) {
  return createJobContext({ ...(signal ? { signal } : {}) });
}

describe('ensureFeatures', () => {
  it('embeds only what is missing and returns rows in request order', async () => {
    embedded.length = 0;
    const progress: { stage: string; done: number; total: number }[] = [];
    const first = await ensureFeatures(
      library,
      { photos: photos.slice(0, 4), embedder: counting, views: ['original', 'flip'] },
      createJobContext({ onProgress: (p) => progress.push(p) }),
    );
    expect(progress[0]).toMatchObject({ stage: 'features', done: 0, total: 8 });
    expect(progress.at(-1)).toMatchObject({ stage: 'features', done: 8, total: 8 });
    expect([first.computed, first.reused, first.rows, first.dims]).toEqual([8, 0, 8, 1280]);
    expect(embedded.map((e) => e.source.kind)).toEqual(['model-input', 'model-input', 'original', 'original', 'model-input', 'model-input', 'original', 'original']);

    embedded.length = 0;
    const second = await ensureFeatures(
      library,
      { photos: [photos[3]!, ...photos], embedder: counting, views: ['original', 'flip', 'rot+0|bright+0.1'] },
      ctx(),
    );
    // 6 original/flip pairs are new for photos 4–5, and 'bright+0.1' is new for all 6 content hashes.
    expect(second.views).toEqual(['original', 'flip', 'bright+0.1']);
    expect([second.computed, second.reused]).toEqual([4 + 6, 8]);
    expect(embedded).toHaveLength(10);
    const row = (m: typeof first, r: number) => m.data.slice(r * 1280, (r + 1) * 1280);
    // photo 3, 'flip' is row 1 of the second matrix and row 3·2+1 of the first
    expect(row(second, 1)).toEqual(row(first, 7));
    // photo 0 'original' vs 'flip' differ; 'original' equals a fresh embedding
    expect(row(second, 3)).not.toEqual(row(second, 4));
    const fresh = await inner.embed([{ source: { kind: 'original', path: FILES[0]! }, view: 'original' }]);
    let diff = 0;
    for (let i = 0; i < 1280; i++) diff = Math.max(diff, Math.abs(fresh[i]! - row(second, 3)[i]!));
    expect(diff).toBeLessThan(1e-5);
    expect(countFeatures(library.db, featureKeyOf(inner))).toBe(18);
  });

  it('embeds again when the preprocessing changes, from the import cache where it exists, keeping the other features', async () => {
    const { tf } = await selectBackend('wasm');
    const cropping = await createLocalEmbedder(tf, { alpha: 0.35, inputSize: 96, resize: 'center-crop', weightsDir: WEIGHTS_DIR });
    const seen: string[] = [];
    try {
      const spy = { ...cropping, embed: (items: Parameters<typeof cropping.embed>[0], options?: Parameters<typeof cropping.embed>[1]) => (seen.push(...items.map((i) => i.source.kind)), cropping.embed(items, options)) };
      const before = countFeatures(library.db, featureKeyOf(inner));
      const result = await ensureFeatures(library, { photos: photos.slice(0, 2), embedder: spy }, ctx());
      expect([result.computed, result.reused]).toEqual([2, 0]);
      // the import's working image serves the centre crop too; photo 1 had none, but its first embedding (from the
      // original, in the first test) wrote it
      expect(seen).toEqual(['model-input', 'model-input']);
      expect(featureKeyOf(spy).backboneId).toBe(`${inner.backboneId}@v4-center-crop`);
      expect(countFeatures(library.db, featureKeyOf(spy))).toBe(2);
      expect(countFeatures(library.db, featureKeyOf(inner))).toBe(before);
    } finally {
      await cropping.close();
    }
  });

  it('embeds a content hash shared by two photos once', async () => {
    embedded.length = 0;
    const twin = { id: photos[5]!.id, contentHash: 'twin-hash' };
    const result = await ensureFeatures(library, { photos: [twin, { ...twin }], embedder: counting }, ctx());
    expect([result.computed, result.rows]).toEqual([1, 2]);
    expect(embedded).toHaveLength(1);
  });

  it('stops when cancelled after the first chunk, keeping that chunk and computing only the rest on the next run', async () => {
    // One chunk and two more pairs: distinct content hashes over the same six files.
    const refs = Array.from({ length: FEATURE_CHUNK + 2 }, (_, i) => ({ id: photos[i % photos.length]!.id, contentHash: `cancel-${i}` }));
    const key = featureKeyOf(inner);
    const before = countFeatures(library.db, key);
    const controller = new AbortController();
    let chunks = 0;
    const cancelAfterFirstChunk: Embedder = {
      ...inner,
      embed: async (items, options) => {
        const matrix = await inner.embed(items, options);
        if (++chunks === 1) controller.abort();
        return matrix;
      },
    };
    await expect(ensureFeatures(library, { photos: refs, embedder: cancelAfterFirstChunk }, ctx(controller.signal))).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(chunks).toBe(1);
    expect(countFeatures(library.db, key)).toBe(before + FEATURE_CHUNK);
    const read = featureReader(library.db, key);
    expect(refs.slice(0, FEATURE_CHUNK).every((r) => read(r.contentHash, 'original')?.length === inner.dims)).toBe(true);
    expect(refs.slice(FEATURE_CHUNK).map((r) => read(r.contentHash, 'original'))).toEqual([null, null]);

    embedded.length = 0;
    const resumed = await ensureFeatures(library, { photos: refs, embedder: counting }, ctx());
    expect([resumed.computed, resumed.reused]).toEqual([2, FEATURE_CHUNK]);
    expect(embedded).toHaveLength(2);
  });
});

describe('ensureFeatures on a library-sized request', () => {
  it('reads thousands of cached pairs in one pass per view, in request order, embedding only the missing ones', async () => {
    const big = openLibrary(makeTempDir());
    const ids = insertSyntheticPhotos(big.db, 2600);
    const hashes = big.db.prepare('SELECT content_hash FROM photos ORDER BY id').pluck().all() as string[];
    const asked: string[] = [];
    const fake: Embedder = {
      backboneId: 'fake-8',
      inputSize: 96,
      dims: 8,
      spec: preprocessingSpec(96, 'center-crop'),
      embed: async (items) => {
        asked.push(...items.map((item) => `${path.basename(item.source.path)} ${item.view}`));
        return new Float32Array(items.length * 8).fill(-1);
      },
      close: async () => undefined,
    };
    const vector = (i: number, view: number) => Float32Array.from({ length: 8 }, (_, d) => i * 10 + view + d / 10);
    // every photo but the last 100 has both views cached
    putFeatures(big.db, featureKeyOf(fake), hashes.slice(0, 2500).flatMap((contentHash, i) => [
      { contentHash, view: 'original', vector: vector(i, 0) },
      { contentHash, view: 'flip', vector: vector(i, 1) },
    ]));
    const order = ids.map((id, i) => ({ id, contentHash: hashes[i]! })).reverse();
    const matrix = await ensureFeatures(big, { photos: order, embedder: fake, views: ['original', 'flip'] }, ctx());
    expect([matrix.reused, matrix.computed]).toEqual([5000, 200]);
    expect(asked.slice(0, 2)).toEqual(['IMG_002599.jpg original', 'IMG_002599.jpg flip']);
    order.forEach((_, p) => {
      const i = 2599 - p;
      [0, 1].forEach((view) => {
        const row = Array.from(matrix.data.subarray((p * 2 + view) * 8, (p * 2 + view + 1) * 8));
        expect(row).toEqual(i < 2500 ? Array.from(vector(i, view)) : new Array(8).fill(-1));
      });
    });
    big.close();
  });
});
