// Training, runs and review for the studio: backend choice, weights, embedders kept warm between runs and shared
// by reference count, the training job with its lock, and the last-used settings that the one-click Retrain repeats.
import path from 'node:path';
import { StudioError } from '../api/errors.js';
import type {
  BackendInfo,
  ExportResult,
  FolderEvaluation,
  FolderPredictions,
  FolderRequest,
  ReviewAction,
  TrainingConfigInput,
} from '../api/training-schemas.js';
import type { LabelChangeResult } from '../api/schemas.js';
import type { JobContext } from './jobs/job-context.js';
import { setLabels } from './library/labels.js';
import type { Library } from './library/library.js';
import { confirmLabel, removeConfirmation, setExcluded } from './library/review-marks.js';
import { getSetting, setSetting } from './library/settings.js';
import { selectBackend, type BackendName, type MlBackend } from './ml/backend.js';
import type { BackboneConfig } from './ml/backbone.js';
import type { Embedder } from './ml/embed.js';
import { createLazyEmbedder } from './ml/lazy-embedder.js';
import { createSharedEmbedders } from './ml/shared-embedders.js';
import { embeddingEngineFor } from './ml/embedding-engine.js';
import { getRunConfig, latestDoneRunId, markInterruptedRuns } from './ml/runs.js';
import { exportRun } from './ml/export.js';
import { predictFiles, type FilePredictions } from './ml/predict-files.js';
import { toRunMetrics, trainRun, type TrainRunResult } from './ml/train-run.js';
import { scanFolder } from './photos/scan-folder.js';
import { findTrainingMatches } from './ml/training-leaks.js';
import { DEFAULT_TRAINING_CONFIG, resolveTrainingConfig, type TrainingConfig } from './ml/training-config.js';
import { cachedFeatureDeps } from './ml/training-features.js';
import { resolveLibraryWeights, WEIGHTS_DIR_SETTING } from './ml/weights-source.js';
import { checkAlphaMatches, readWeightsAlpha } from './ml/weights.js';
import { acquireTrainingLock, markInterruptedUnlessTraining } from './training-lock.js';

const LAST_CONFIG_SETTING = 'training.lastConfig';

export interface TrainingService {
  backend(preferred?: BackendName): Promise<BackendInfo>;
  lastConfig(): TrainingConfig;
  /** The settings a request would train with (request over last-used over defaults); INVALID_INPUT when impossible. */
  resolveConfig(input: TrainingConfigInput): TrainingConfig;
  /**
   * Takes the library's training lock now (CONFLICT when a training runs, here or in another process) and returns
   * the job: it resolves settings (request over last-used over defaults), remembers them, trains, and releases.
   */
  startTraining(input: TrainingConfigInput): Promise<(ctx: JobContext) => Promise<TrainRunResult & { backend: string }>>;
  resolveReview(action: ReviewAction): LabelChangeResult;
  predictFolder(request: FolderRequest, ctx: JobContext): Promise<FolderPredictions>;
  evaluateFolder(request: FolderRequest, ctx: JobContext): Promise<FolderEvaluation>;
  exportRun(request: { runId: number; outDir: string; format?: 'tfjs' | 'onnx' | undefined }): Promise<ExportResult>;
  close(): Promise<void>;
}

export function createTrainingService(library: Library): TrainingService {
  const { db } = library;
  markInterruptedUnlessTraining(db, markInterruptedRuns);
  const embedders = createSharedEmbedders();

  const backendFor = (name: BackendName | null): Promise<MlBackend> => selectBackend(name ?? undefined);

  /**
   * The backbone for these settings; its alpha is read from the weights, so a requested alpha (explicit settings, or
   * the run being used) is only checked against them. `allowDownload: false` checks a given folder without the network.
   */
  async function backboneFor(
    config: TrainingConfig,
    check: { requestedAlpha: number | undefined; what: string; allowDownload?: boolean },
    signal?: AbortSignal,
  ): Promise<BackboneConfig> {
    const weights = await resolveLibraryWeights(library, {
      alpha: config.alpha,
      ...(config.weightsDir ? { weightsDir: config.weightsDir } : {}),
      allowDownload: check.allowDownload ?? true,
      ...(signal ? { signal } : {}),
    });
    const alpha = await readWeightsAlpha(weights.dir);
    if (check.requestedAlpha !== undefined) checkAlphaMatches(weights.dir, alpha, check.requestedAlpha, check.what);
    return {
      alpha,
      inputSize: config.inputSize,
      // runs made before the setting existed were stretched ('fill')
      resize: config.resize ?? 'fill',
      weightsDir: weights.dir,
      ...(weights.expectedSha256 ? { expectedSha256: weights.expectedSha256 } : {}),
      onnxCacheDir: path.join(library.paths.models, 'onnx-backbones'),
    };
  }

  /** Runs `use` with the warm embedder for this backbone; it stays open until `use` settles, whatever other jobs do. */
  function withEmbedder<T>(backbone: BackboneConfig, backend: MlBackend, use: (embed: Embedder) => Promise<T>): Promise<T> {
    const key = `${backend.name}|${backbone.alpha}|${backbone.inputSize}|${backbone.resize}|${backbone.weightsDir}`;
    return embedders.borrow(key, () => createLazyEmbedder(async () => backend, backbone), use);
  }

  function runIdOrLatest(runId: number | undefined): number {
    const id = runId ?? latestDoneRunId(db);
    if (id === null) throw new StudioError('NOT_FOUND', 'No finished training run yet: train a model first');
    return id;
  }

  /** The run's saved head on an embedder built from the run's own settings (backbone, input size, weights). */
  async function predictWithRun(runId: number, files: readonly string[], ctx: JobContext): Promise<FilePredictions> {
    const config = getRunConfig(db, runId);
    const backend = await backendFor(config.backend);
    const backbone = await backboneFor(config, { requestedAlpha: config.alpha, what: `Run ${runId} was trained with` }, ctx.signal);
    return withEmbedder(backbone, backend, (embed) => predictFiles(library, runId, files, embed, ctx));
  }

  async function scanImages(root: string, ctx: JobContext) {
    ctx.report({ stage: 'scan', done: 0, total: 1 });
    const scan = await scanFolder(path.resolve(root), { signal: ctx.signal });
    ctx.report({ stage: 'scan', done: 1, total: 1 });
    return scan;
  }

  async function leakCheck(runId: number, files: readonly string[], ctx: JobContext) {
    ctx.report({ stage: 'leak-check', done: 0, total: files.length });
    const matches = await findTrainingMatches(db, runId, files, ctx.signal);
    ctx.report({ stage: 'leak-check', done: files.length, total: files.length });
    return matches;
  }

  const lastConfig = (): TrainingConfig => {
    try {
      return resolveTrainingConfig(getSetting<TrainingConfigInput>(db, LAST_CONFIG_SETTING) ?? {}, DEFAULT_TRAINING_CONFIG);
    } catch {
      // settings saved by an older version that the table now refuses: start again from the defaults
      return DEFAULT_TRAINING_CONFIG;
    }
  };
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
    resolveConfig,
    async startTraining(input) {
      const release = acquireTrainingLock(db);
      const weightsCheck = { requestedAlpha: input.alpha, what: 'The settings ask for' };
      let resolved: TrainingConfig;
      try {
        resolved = resolveConfig(input);
        // a weights folder that is given (not downloaded) is checked now, so its problem is the answer to the call
        if (resolved.weightsDir || getSetting<string>(db, WEIGHTS_DIR_SETTING)) await backboneFor(resolved, { ...weightsCheck, allowDownload: false });
      } catch (error) {
        release();
        throw error;
      }
      return async (ctx) => {
        try {
          ctx.report({ stage: 'prepare', done: 0, total: 1, message: 'choosing backend and weights' });
          const backend = await backendFor(resolved.backend);
          const backbone = await backboneFor(resolved, weightsCheck, ctx.signal);
          const config: TrainingConfig = { ...resolved, alpha: backbone.alpha };
          return await withEmbedder(backbone, backend, async (embed) => {
            // remembered only once the backend and weights resolved, so a typo does not become the new default
            setSetting(db, LAST_CONFIG_SETTING, config);
            if (config.weightsDir) setSetting(db, WEIGHTS_DIR_SETTING, config.weightsDir);
            const result = await trainRun(library, config, ctx, cachedFeatureDeps(library, embed, config, backend.name, backbone));
            return { ...result, backend: backend.name };
          });
        } finally {
          release();
        }
      };
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
        case 'unkeep':
          removeConfirmation(db, action.photoId);
          return noChange;
        case 'include':
          if (setExcluded(db, [action.photoId], false) === 0) throw new StudioError('NOT_FOUND', `No photo with id ${action.photoId}`);
          return noChange;
      }
    },
    async predictFolder(request, ctx) {
      const runId = runIdOrLatest(request.runId);
      const scan = await scanImages(request.root, ctx);
      const files = scan.files.map((f) => f.path);
      const result = await predictWithRun(runId, files, ctx);
      const seen = await leakCheck(runId, files, ctx);
      return {
        runId,
        items: result.predictions.map((p) => ({
          path: p.path,
          className: result.classes[p.classIndex]?.name ?? '?',
          probabilities: Object.fromEntries(result.classes.map((c, i) => [c.name, p.probabilities[i] ?? 0])),
          seenInTraining: seen.has(p.path),
        })),
        skipped: [...scan.skipped, ...result.skipped],
        seenInTraining: [...seen.values()],
      };
    },
    async evaluateFolder(request, ctx) {
      const runId = runIdOrLatest(request.runId);
      const config = getRunConfig(db, runId);
      const scan = await scanImages(request.root, ctx);
      const classIndex = new Map(config.classes.map((c, i) => [c.name.toLowerCase(), i]));
      const skipped = [...scan.skipped];
      const files: string[] = [];
      for (const file of scan.files) {
        if (file.folderClass !== null && classIndex.has(file.folderClass.toLowerCase())) files.push(file.path);
        else skipped.push({ path: file.path, reason: `not in a subfolder named after one of the run's classes (${config.classes.map((c) => c.name).join(', ')})` });
      }
      if (files.length === 0) throw new StudioError('INVALID_INPUT', `expected class subfolders (${config.classes.map((c) => c.name).join(', ')}) with images in ${request.root}; received none`);
      const result = await predictWithRun(runId, files, ctx);
      const folderOf = new Map(scan.files.map((f) => [f.path, f.folderClass?.toLowerCase() ?? '']));
      const metricsOf = (predictions: typeof result.predictions) =>
        toRunMetrics(
          Int32Array.from(predictions.map((p) => classIndex.get(folderOf.get(p.path) ?? '') ?? -1)),
          Float32Array.from(predictions.flatMap((p) => p.probabilities)),
          config,
          null,
          'folder',
        );
      const seen = await leakCheck(runId, result.predictions.map((p) => p.path), ctx);
      const unseen = result.predictions.filter((p) => !seen.has(p.path));
      return {
        runId,
        photos: result.predictions.length,
        metrics: metricsOf(result.predictions),
        skipped: [...skipped, ...result.skipped],
        seenInTraining: [...seen.values()],
        unseen: unseen.length > 0 ? { photos: unseen.length, metrics: metricsOf(unseen) } : null,
      };
    },
    async exportRun({ runId, outDir, format }) {
      const config = getRunConfig(db, runId);
      const backbone = await backboneFor(config, { requestedAlpha: config.alpha, what: `Run ${runId} was trained with` });
      return exportRun(library, runId, outDir, { weightsDir: backbone.weightsDir, ...(format ? { format } : {}) });
    },
    async close() {
      await embedders.closeAll();
    },
  };
}
