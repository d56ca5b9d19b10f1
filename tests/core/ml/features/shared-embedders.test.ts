import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/core/ml/backbone/backend.js';
import type { Embedder } from '../../../../src-main/core/ml/features/embed.js';
import { createLazyEmbedder } from '../../../../src-main/core/ml/features/lazy-embedder.js';
import { createSharedEmbedders } from '../../../../src-main/core/ml/features/shared-embedders.js';
import { SHARED_DIR } from '../../../helpers/shared-dir.js';

const MODELS = path.join(SHARED_DIR, 'models');

/** A real lazy embedder over shared weights whose close() is recorded. */
async function recordedEmbedder(weights: string, alpha: number, closed: string[]): Promise<Embedder> {
  const embedder = await createLazyEmbedder(() => selectBackend('cpu'), { alpha, inputSize: 224, weightsDir: path.join(MODELS, weights) });
  return {
    ...embedder,
    close: async () => {
      closed.push(weights);
      await embedder.close();
    },
  };
}

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('shared embedders', () => {
  it('keeps an embedder open while a job uses it, even when another job switches backbone, and closes it after', async () => {
    const shared = createSharedEmbedders();
    const closed: string[] = [];
    const training = gate();
    const inUse = gate();
    const trainingJob = shared.borrow('0.35', () => recordedEmbedder('mobilenet_v2_0.35_imagenet_notop', 0.35, closed), async (embedder) => {
      inUse.open();
      await training.opened;
      return embedder.backboneId;
    });
    await inUse.opened;
    const predictId = await shared.borrow('1.0', () => recordedEmbedder('mobilenet_v2_1.0_imagenet_notop', 1, closed), async (embedder) => embedder.backboneId);
    expect(predictId).toMatch(/^mobilenet_v2_1\.00_/);
    expect(closed).toEqual([]);
    training.open();
    expect(await trainingJob).toMatch(/^mobilenet_v2_0\.35_/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toEqual(['mobilenet_v2_0.35_imagenet_notop']);
    await shared.closeAll();
    expect(closed).toEqual(['mobilenet_v2_0.35_imagenet_notop', 'mobilenet_v2_1.0_imagenet_notop']);
  });

  it('reuses the warm embedder for the same backbone and forgets one that failed to start', async () => {
    const shared = createSharedEmbedders();
    let made = 0;
    const make = async () => {
      made++;
      return recordedEmbedder('mobilenet_v2_0.35_imagenet_notop', 0.35, []);
    };
    await shared.borrow('a', make, async () => undefined);
    await shared.borrow('a', make, async () => undefined);
    expect(made).toBe(1);
    await expect(shared.borrow('b', () => Promise.reject(new Error('no weights')), async () => undefined)).rejects.toThrow('no weights');
    await shared.borrow('b', make, async () => undefined);
    expect(made).toBe(2);
    await shared.closeAll();
  });
});
