// Training, runs and review for the studio: backend choice, weights, one embedder kept warm between runs,
// the training job with its lock, and the last-used settings that the one-click Retrain repeats.
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
import { confirmLabel, setExcluded } from './library/review-marks.js';
import { getSetting, setSetting } from './library/settings.js';
import { selectBackend, type BackendName, type MlBackend } from './ml/backend.js';
import type { BackboneConfig } from './ml/backbone.js';
import type { Embedder } from './ml/embed.js';
import { createLazyEmbedder } from './ml/lazy-embedder.js';
import { getRunConfig, latestDoneRunId, markInterruptedRuns } from './ml/runs.js';
import { exportRun } from './ml/export.js';
import { predictFiles, type FilePredictions } from './ml/predict-files.js';
import { toRunMetrics, trainRun, type TrainRunResult } from './ml/train-run.js';
import { scanFolder } from './photos/scan-folder.js';
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
  predictFolder(request: FolderRequest, ctx: JobContext): Promise<FolderPredictions>;
  evaluateFolder(request: FolderRequest, ctx: JobContext): Promise<FolderEvaluation>;
  exportRun(request: { runId: number; outDir: string }): Promise<ExportResult>;
  close(): Promise<void>;
}

export function createTrainingService(library: Library): TrainingService {
  const { db } = library;
  if (trainingLockOwner(library.paths.root) === null) markInterruptedRuns(db);
  let embedder: { key: string; value: Embedder } | null = null;

  const backendFor = (name: BackendName | null): Promise<MlBackend> => selectBackend(name ?? undefined);

  async function backboneFor(config: TrainingConfig, signal?: AbortSignal): Promise<BackboneConfig> {
    const weights = await resolveLibraryWeights(library, {
      alpha: config.alpha,
      ...(config.weightsDir ? { weightsDir: config.weightsDir } : {}),
      allowDownload: true,
      ...(signal ? { signal } : {}),
    });
    return {
      alpha: config.alpha,
      inputSize: config.inputSize,
      // runs made before the setting existed were stretched ('fill')
      resize: config.resize ?? 'fill',
      weightsDir: weights.dir,
      ...(weights.expectedSha256 ? { expectedSha256: weights.expectedSha256 } : {}),
    };
  }

  async function embedderFor(backbone: BackboneConfig, backend: MlBackend): Promise<Embedder> {
    const key = `${backend.name}|${backbone.alpha}|${backbone.inputSize}|${backbone.resize}|${backbone.weightsDir}`;
    if (embedder?.key !== key) {
      await embedder?.value.close();
      embedder = null;
      embedder = { key, value: await createLazyEmbedder(async () => backend, backbone) };
    }
    return embedder.value;
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
    return predictFiles(library, runId, files, await embedderFor(await backboneFor(config, ctx.signal), backend), ctx);
  }

  async function scanImages(root: string, ctx: JobContext) {
    ctx.report({ stage: 'scan', done: 0, total: 1 });
    const scan = await scanFolder(path.resolve(root), { signal: ctx.signal });
    ctx.report({ stage: 'scan', done: 1, total: 1 });
    return scan;
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
        const backbone = await backboneFor(config, ctx.signal);
        const embed = await embedderFor(backbone, backend);
        // remembered only once the backend and weights resolved, so a typo does not become the new default
        setSetting(db, LAST_CONFIG_SETTING, config);
        if (config.weightsDir) setSetting(db, WEIGHTS_DIR_SETTING, config.weightsDir);
        const result = await trainRun(library, config, ctx, cachedFeatureDeps(library, embed, config, backend.name, backbone));
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
    async predictFolder(request, ctx) {
      const runId = runIdOrLatest(request.runId);
      const scan = await scanImages(request.root, ctx);
      const result = await predictWithRun(runId, scan.files.map((f) => f.path), ctx);
      return {
        runId,
        items: result.predictions.map((p) => ({
          path: p.path,
          className: result.classes[p.classIndex]?.name ?? '?',
          probabilities: Object.fromEntries(result.classes.map((c, i) => [c.name, p.probabilities[i] ?? 0])),
        })),
        skipped: [...scan.skipped, ...result.skipped],
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
      const labels = Int32Array.from(result.predictions.map((p) => classIndex.get(folderOf.get(p.path) ?? '') ?? -1));
      const probabilities = Float32Array.from(result.predictions.flatMap((p) => p.probabilities));
      return { runId, photos: result.predictions.length, metrics: toRunMetrics(labels, probabilities, config, null, 'folder'), skipped: [...skipped, ...result.skipped] };
    },
    async exportRun({ runId, outDir }) {
      const backbone = await backboneFor(getRunConfig(db, runId));
      return exportRun(library, runId, outDir, { weightsDir: backbone.weightsDir });
    },
    async close() {
      await embedder?.value.close();
      embedder = null;
    },
  };
}
