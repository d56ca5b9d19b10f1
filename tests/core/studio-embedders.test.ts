import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStudio } from '../../src-main/core/studio.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const WEIGHTS = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');

describe('studio embedders', () => {
  it('keeps a training’s embedder open while a predict on another backbone runs beside it', async () => {
    const tmp = makeTempDir('studio-embedders-');
    const photos = copyAlpacaSubset(path.join(tmp, 'photos'), 8);
    const studio = openStudio(path.join(tmp, 'library'));
    try {
      const imported = await studio.jobs.wait((await studio.api['photos.import']({ root: photos, labelsFromFolders: true })).jobId);
      expect(imported?.status).toBe('done');
      const first = await studio.jobs.wait((await studio.api['training.start']({ weightsDir: WEIGHTS, inputSize: 96, epochs: 1, kfold: 0 })).jobId);
      expect(first?.status).toBe('done');
      const firstRunId = (first?.result as { runId: number }).runId;

      // another input size is another backbone: 16 photos × 9 views to embed, three chunks, so the embedder is used
      // again after the predict below has switched the warm backbone back to the first run's
      const { jobId } = await studio.api['training.start']({ inputSize: 128, augmentation: { flip: { enabled: true, strength: 1 }, views: 8 } });
      const predicted = new Promise<string>((resolve) => {
        const off = studio.jobs.subscribe({
          onProgress: (p) => {
            if (p.jobId !== jobId || p.stage !== 'features') return;
            off();
            void studio.api['predict.folder']({ root: photos, runId: firstRunId }).then(({ jobId: predictJob }) => resolve(predictJob));
          },
        });
      });
      const training = await studio.jobs.wait(jobId);
      const predict = await studio.jobs.wait(await predicted);
      expect({ training: training?.status, error: training?.error }).toEqual({ training: 'done', error: null });
      expect(predict?.status).toBe('done');
      expect((predict?.result as { items: unknown[] }).items).toHaveLength(16);
    } finally {
      await studio.close();
    }
  }, 300_000);
});
