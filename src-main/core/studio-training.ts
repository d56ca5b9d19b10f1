// Training, runs and review for the studio: backend choice, weights, one embedder kept warm between runs,
// the training job with its lock, and the last-used settings that the one-click Retrain repeats.
import path from 'node:path';
import { StudioError } from '../api/errors.js';
import type { BackendInfo, ReviewAction, TrainingConfigInput } from '../api/training-schemas.js';
import type { LabelChangeResult } from '../api/schemas.js';
import type { JobContext } from './jobs/job-context.js';
import { setLabels } from './library/labels.js';
import type { Library } from './library/library.js';
import { confirmLabel, setExcluded } from './library/review-marks.js';
import { getSetting, setSetting } from './library/settings.js';
import { selectBackend, type BackendName, type MlBackend } from './ml/backend.js';
import type { Embedder } from './ml/embed.js';
import { createLazyEmbedder } from './ml/lazy-embedder.js';
import { getRunConfig, latestDoneRunId, markInterruptedRuns } from './ml/runs.js';
import { trainRun, type TrainRunResult } from './ml/train-run.js';
import { DEFAULT_TRAINING_CONFIG, resolveTrainingConfig, type TrainingConfig } from './ml/training-config.js';
import { cachedFeatureDeps } from './ml/training-features.js';
import { resolveLibraryWeights, WEIGHTS_DIR_SETTING } from './ml/weights-source.js';
import { acquireTrainingLock, trainingLockOwner } from './training-lock.js';

const LAST_CONFIG_SETTING = 'training.lastConfig';

export interface TrainingService {
  backend(preferred?: BackendName): Promise<BackendInfo>;
  lastConfig(): TrainingConfig;
  /** Resolves settings (request over last-used over defaults), remembers them, and trains. */
  train(input: TrainingConfigInput, ctx: JobContext): Promise<TrainRunResult & { backend: string }>;
  resolveReview(action: ReviewAction): LabelChangeResult;
  close(): Promise<void>;
}

export function createTrainingService(library: Library): TrainingService {
  const { db } = library;
  if (trainingLockOwner(library.paths.root) === null) markInterruptedRuns(db);
  let embedder: { key: string; value: Embedder } | null = null;

  const backendFor = (name: BackendName | null): Promise<MlBackend> => selectBackend(name ?? undefined);

  async function embedderFor(config: TrainingConfig, backend: MlBackend, signal: AbortSignal): Promise<Embedder> {
    const weights = await resolveLibraryWeights(library, {
      alpha: config.alpha,
      ...(config.weightsDir ? { weightsDir: config.weightsDir } : {}),
      allowDownload: true,
      signal,
    });
    const key = `${backend.name}|${config.alpha}|${config.inputSize}|${weights.dir}`;
    if (embedder?.key !== key) {
      await embedder?.value.close();
      embedder = null;
      const value = await createLazyEmbedder(async () => backend, {
        alpha: config.alpha,
        inputSize: config.inputSize,
        weightsDir: weights.dir,
        ...(weights.expectedSha256 ? { expectedSha256: weights.expectedSha256 } : {}),
      });
      embedder = { key, value };
    }
    return embedder.value;
  }

  const lastConfig = (): TrainingConfig => resolveTrainingConfig(getSetting<TrainingConfigInput>(db, LAST_CONFIG_SETTING) ?? {}, DEFAULT_TRAINING_CONFIG);

  return {
    async backend(preferred) {
      const backend = await selectBackend(preferred ?? lastConfig().backend ?? undefined);
      return { name: backend.name, unavailable: backend.reasons.map((r) => ({ backend: r.backend, reason: r.why })) };
    },
    lastConfig,
    async train(input, ctx) {
      const config = resolveTrainingConfig(
        { ...input, ...(input.weightsDir ? { weightsDir: path.resolve(input.weightsDir) } : {}) },
        lastConfig(),
      );
      const release = acquireTrainingLock(library.paths.root);
      try {
        ctx.report({ stage: 'prepare', done: 0, total: 1, message: 'choosing backend and weights' });
        const backend = await backendFor(config.backend);
        const embed = await embedderFor(config, backend, ctx.signal);
        // remembered only once the backend and weights resolved, so a typo does not become the new default
        setSetting(db, LAST_CONFIG_SETTING, config);
        if (config.weightsDir) setSetting(db, WEIGHTS_DIR_SETTING, config.weightsDir);
        const result = await trainRun(library, config, ctx, cachedFeatureDeps(library, embed, config, backend.name));
        return { ...result, backend: backend.name };
      } finally {
        release();
      }
    },
    resolveReview(action) {
      const runId = action.runId ?? latestDoneRunId(db);
      const noChange: LabelChangeResult = { batchId: null, changed: 0, photoIds: [] };
      switch (action.action) {
        case 'accept': {
          if (runId === null) throw new StudioError('NOT_FOUND', 'No finished run to take a prediction from');
          const predicted = db.prepare('SELECT class_id FROM predictions WHERE run_id = ? AND photo_id = ?').pluck().get(runId, action.photoId) as
            | number
            | undefined;
          if (predicted === undefined) throw new StudioError('NOT_FOUND', `Run ${runId} has no prediction for photo ${action.photoId}`);
          if (!getRunConfig(db, runId).classes.some((c) => c.id === predicted)) throw new StudioError('CONFLICT', 'The predicted class no longer exists');
          return setLabels(db, { photoIds: [action.photoId], classId: predicted, source: 'review' });
        }
        case 'relabel':
          if (action.classId === undefined) throw new StudioError('INVALID_INPUT', 'relabel expects classId; received none');
          return setLabels(db, { photoIds: [action.photoId], classId: action.classId, source: 'review' });
        case 'keep':
          confirmLabel(db, action.photoId);
          return noChange;
        case 'exclude':
          if (setExcluded(db, [action.photoId], true) === 0) throw new StudioError('NOT_FOUND', `No photo with id ${action.photoId}`);
          return noChange;
      }
    },
    async close() {
      await embedder?.value.close();
      embedder = null;
    },
  };
}
