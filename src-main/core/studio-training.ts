// Training for the studio: the last-used settings that the one-click Retrain repeats, the backend line, and the
// training job with its library lock (backbone and embedders come from the ML session).
import path from 'node:path';
import type { BackendInfo, EpochRecord, TrainingConfigInput, TrainingResult } from '../api/training-schemas.js';
import type { JobContext } from './jobs/job-context.js';
import type { Library } from './library/library.js';
import { getSetting, setSetting } from './library/settings.js';
import { selectBackend, type BackendName } from './ml/backbone/backend.js';
import { embeddingEngineFor } from './ml/features/embedding-engine.js';
import { getRunConfig, markInterruptedRuns } from './ml/runs/runs.js';
import { DEFAULT_TRAINING_CONFIG, resolveTrainingConfig, type TrainingConfig } from './ml/training/training-config.js';
import { WEIGHTS_DIR_SETTING } from './ml/backbone/weights-source.js';
import type { MlSession } from './ml-session.js';
import { acquireTrainingLock, markInterruptedUnlessTraining } from './training-lock.js';

const LAST_CONFIG_SETTING = 'training.lastConfig';

/** What the training job tells its starter: the run it created, then each epoch recorded in it. */
export interface TrainingEvents {
  onRun?(runId: number): void;
  onEpoch?(runId: number, epoch: EpochRecord): void;
}

export interface TrainingService {
  backend(preferred?: BackendName): Promise<BackendInfo>;
  lastConfig(): TrainingConfig;
  /**
   * Takes the library's training lock now (CONFLICT when a training runs, here or in another process) and returns
   * the job: it resolves settings (request over last-used over defaults), remembers them, trains, and releases.
   */
  startTraining(input: TrainingConfigInput, events?: TrainingEvents): Promise<(ctx: JobContext) => Promise<TrainingResult>>;
}

export function createTrainingService(library: Library, session: MlSession): TrainingService {
  const { db } = library;
  markInterruptedUnlessTraining(db, markInterruptedRuns);

  const lastConfig = (): TrainingConfig => {
    try {
      return resolveTrainingConfig(getSetting<TrainingConfigInput>(db, LAST_CONFIG_SETTING) ?? {}, DEFAULT_TRAINING_CONFIG);
    } catch {
      // settings saved by an older version that the table now refuses: start again from the defaults
      return DEFAULT_TRAINING_CONFIG;
    }
  };
  /** The settings a request would train with (request over last-used over defaults); INVALID_INPUT when impossible. */
  const resolveConfig = (input: TrainingConfigInput): TrainingConfig =>
    resolveTrainingConfig({ ...input, ...(input.weightsDir ? { weightsDir: path.resolve(input.weightsDir) } : {}) }, lastConfig());

  return {
    async backend(preferred) {
      const backend = await selectBackend(preferred ?? lastConfig().backend ?? undefined);
      return {
        name: backend.name,
        unavailable: backend.reasons.map((r) => ({ backend: r.backend, reason: r.why })),
        embedding: await embeddingEngineFor(backend),
      };
    },
    lastConfig,
    async startTraining(input, events = {}) {
      // impossible settings are refused before the lock, so they are the answer even while another training runs
      const resolved = resolveConfig(input);
      const release = acquireTrainingLock(db);
      const weightsCheck = { requestedAlpha: input.alpha, what: 'The settings ask for' };
      try {
        // a weights folder that is given (not downloaded) is checked now, so its problem is the answer to the call
        if (resolved.weightsDir || getSetting<string>(db, WEIGHTS_DIR_SETTING)) await session.backboneFor(resolved, { ...weightsCheck, allowDownload: false });
      } catch (error) {
        release();
        throw error;
      }
      return async (ctx) => {
        try {
          ctx.report({ stage: 'prepare', done: 0, total: 1, message: 'choosing backend and weights' });
          // the training stack (tfjs, sharp) loads with the first training, not with the library
          const [{ createTrainingRun, executeTrainingRun }, { cachedFeatureDeps }] = await Promise.all([import('./ml/runs/train-run.js'), import('./ml/runs/training-features.js')]);
          const backend = await session.backendFor(resolved.backend);
          const backbone = await session.backboneFor(resolved, weightsCheck, ctx.signal);
          const config: TrainingConfig = { ...resolved, alpha: backbone.alpha };
          return await session.withEmbedder(backbone, backend, async (embed) => {
            // remembered only once the backend and weights resolved, so a typo does not become the new default
            setSetting(db, LAST_CONFIG_SETTING, config);
            if (config.weightsDir) setSetting(db, WEIGHTS_DIR_SETTING, config.weightsDir);
            let runId = 0;
            const deps = { ...cachedFeatureDeps(library, embed, config, backend.name, backbone), onEpoch: (epoch: EpochRecord) => events.onEpoch?.(runId, epoch) };
            runId = createTrainingRun(library, config, deps);
            events.onRun?.(runId);
            const result = await executeTrainingRun(library, runId, getRunConfig(db, runId), ctx, deps);
            return { ...result, backend: backend.name };
          });
        } finally {
          release();
        }
      };
    },
  };
}
