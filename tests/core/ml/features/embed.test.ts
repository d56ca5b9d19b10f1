import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/core/ml/backbone/backend.js';
import { createLocalEmbedder, type Embedder } from '../../../../src-main/core/ml/features/embed.js';
import { createEmbeddingPool } from '../../../../src-main/core/ml/features/embedding-pool.js';
import { alpacaPhotos, originalItems, WEIGHTS_DIR } from '../embedding-fixtures.js';

const CONFIG = { alpha: 0.35, inputSize: 96, weightsDir: WEIGHTS_DIR };
const ITEMS = originalItems(alpacaPhotos(16));
let tf: Tf;
let local: Embedder;
let reference: Float32Array;

beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
  local = await createLocalEmbedder(tf, CONFIG, { batchSize: 6 });
  reference = await local.embed(ITEMS);
});
afterAll(() => local.close());

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('embedImages', () => {
  it('returns one pooled vector per photo, the same whatever the batching', async () => {
    expect(local.backboneId).toMatch(/^mobilenet_v2_0\.35_[0-9a-f]{8}$/);
    expect(reference.length).toBe(16 * 1280);
    const one = await local.embed(ITEMS.slice(3, 4));
    expect(maxAbsDiff(one, reference.slice(3 * 1280, 4 * 1280))).toBeLessThan(1e-5);
    const rowA = reference.slice(0, 1280);
    const rowB = reference.slice(1280, 2560);
    expect(maxAbsDiff(rowA, rowB)).toBeGreaterThan(0.1);
  });

  it('leaves no tensors behind after repeated calls', async () => {
    await local.embed(ITEMS.slice(0, 4));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await local.embed(ITEMS.slice(0, 7));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops between batches when cancelled', async () => {
    const controller = new AbortController();
    let seen = 0;
    const run = local.embed(ITEMS, {
      signal: controller.signal,
      onProgress: (done) => {
        seen = done;
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen).toBe(6);
  });
});

describe('createEmbeddingPool', () => {
  it('embeds across worker threads with the same results, reports progress and can be cancelled', async () => {
    const pool = await createEmbeddingPool({ config: CONFIG, backend: 'wasm', workers: 2, batchSize: 4 });
    try {
      expect(pool.backboneId).toBe(local.backboneId);
      const progress: number[] = [];
      const pooled = await pool.embed(ITEMS, { onProgress: (done) => progress.push(done) });
      expect(maxAbsDiff(pooled, reference)).toBeLessThan(1e-5);
      expect(progress.at(-1)).toBe(16);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));

      const controller = new AbortController();
      const cancelled = pool.embed(ITEMS, { signal: controller.signal, onProgress: () => controller.abort() });
      await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
      // Fresh workers start on the next call.
      const again = await pool.embed(ITEMS.slice(0, 2));
      expect(maxAbsDiff(again, reference.slice(0, 2 * 1280))).toBeLessThan(1e-5);
    } finally {
      await pool.close();
    }
  });

  it('reports a worker-side failure as a StudioError', async () => {
    await expect(createEmbeddingPool({ config: { ...CONFIG, weightsDir: '/no/such/folder' }, workers: 1 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Weights folder /no/such/folder: no such folder',
    });
  });
});
