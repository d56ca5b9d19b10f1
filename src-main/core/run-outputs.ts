// What a trained run does with files outside the library: predict a folder, evaluate a folder of class
// subfolders (both with the leak check against the run's training photos), export the run's model, and predict
// library photos that arrived after the latest run. The ML and image modules (tfjs, sharp) are imported at first
// use, so opening a library does not load them.
import path from 'node:path';
import { StudioError, isCancelled, toStudioError } from '../api/errors.js';
import type { ExplainRequest, PhotoExplanation } from '../api/explain-schemas.js';
import type { ImportSummary } from '../api/schemas.js';
import { getPhoto } from './library/photo-list.js';
import type { RunExplainer } from './ml/runs/explain-photo.js';
import type { ExportResult, FolderEvaluation, FolderPredictions, FolderRequest } from '../api/training-schemas.js';
import type { JobContext } from './jobs/job-context.js';
import { toClassProbabilities } from './library/class-probabilities.js';
import type { Library } from './library/library.js';
import type { FilePredictions } from './ml/runs/predict-files.js';
import { getRunConfig, latestDoneRunId } from './ml/runs/runs.js';
import type { MlSession } from './ml-session.js';
import { scanFolder } from './photos/scan-folder.js';

export interface RunOutputs {
  predictFolder(request: FolderRequest, ctx: JobContext): Promise<FolderPredictions>;
  evaluateFolder(request: FolderRequest, ctx: JobContext): Promise<FolderEvaluation>;
  exportRun(request: { runId: number; outDir: string; format?: 'tfjs' | 'onnx' | undefined }): Promise<ExportResult>;
  /**
   * Predicts every usable photo the latest finished run has no prediction for (photos imported since) with that run;
   * undefined when no run has finished. A failure is the result's `error`: what was imported stays.
   */
  predictArrivals(ctx: JobContext): Promise<ImportSummary['predictions']>;
  /** The run's class activation map for one photo (cached per run, content and class). */
  explainPhoto(request: ExplainRequest): Promise<PhotoExplanation>;
  /** The same, drawn over the photo as PNG bytes (`studio explain --out`). */
  explanationPng(request: ExplainRequest): Promise<Buffer>;
  close(): void;
}

export function createRunOutputs(library: Library, session: MlSession): RunOutputs {
  const { db } = library;

  function runIdOrLatest(runId: number | undefined): number {
    const id = runId ?? latestDoneRunId(db);
    if (id === null) throw new StudioError('NOT_FOUND', 'No finished training run yet: train a model first');
    return id;
  }

  /** The run's saved head on an embedder built from the run's own settings (backbone, input size, weights). */
  async function predictWithRun(runId: number, files: readonly string[], ctx: JobContext): Promise<FilePredictions> {
    const config = getRunConfig(db, runId);
    const backend = await session.backendFor(config.backend);
    const backbone = await session.backboneFor(config, { requestedAlpha: config.alpha, what: `Run ${runId} was trained with` }, ctx.signal);
    const { predictFiles } = await import('./ml/runs/predict-files.js');
    return session.withEmbedder(backbone, backend, (embed) => predictFiles(library, runId, files, embed, ctx));
  }

  async function scanImages(root: string, ctx: JobContext) {
    ctx.report({ stage: 'scan', done: 0, total: 1 });
    const scan = await scanFolder(path.resolve(root), { signal: ctx.signal });
    ctx.report({ stage: 'scan', done: 1, total: 1 });
    return scan;
  }

  async function leakCheck(runId: number, files: readonly string[], ctx: JobContext) {
    ctx.report({ stage: 'leak-check', done: 0, total: files.length });
    const { findTrainingMatches } = await import('./ml/runs/training-leaks.js');
    const matches = await findTrainingMatches(db, runId, files, ctx.signal);
    ctx.report({ stage: 'leak-check', done: files.length, total: files.length });
    return matches;
  }

  /** the last run's explainer stays loaded: a person steps through photos of one run */
  let explainer: { runId: number; ready: Promise<RunExplainer> } | null = null;
  function explainerFor(runId: number): Promise<RunExplainer> {
    if (explainer?.runId === runId) return explainer.ready;
    void explainer?.ready.then((e) => e.dispose(), () => undefined);
    const ready = (async () => {
      const config = getRunConfig(db, runId);
      const { loadRunExplainer } = await import('./ml/runs/explain-photo.js');
      await session.backendFor(config.backend);
      const backbone = await session.backboneFor(config, { requestedAlpha: config.alpha, what: `Run ${runId} was trained with` });
      return loadRunExplainer(library, runId, backbone);
    })();
    // a failed load is tried again at the next ask
    ready.catch(() => {
      if (explainer?.ready === ready) explainer = null;
    });
    explainer = { runId, ready };
    return ready;
  }

  async function explainPhoto(request: ExplainRequest): Promise<{ explanation: PhotoExplanation; path: string }> {
    const runId = runIdOrLatest(request.runId);
    const photo = getPhoto(db, request.photoId, runId);
    if (photo.status !== 'ok') throw new StudioError('NOT_FOUND', `Photo ${photo.id} (${photo.path}) is ${photo.status}: there is nothing to explain`);
    const { classes } = getRunConfig(db, runId);
    const indexOf = (classId: number) => classes.findIndex((c) => c.id === classId);
    if (request.classId !== undefined && indexOf(request.classId) < 0) {
      throw new StudioError('INVALID_INPUT', `Class ${request.classId} is not one of run ${runId}'s classes (${classes.map((c) => c.name).join(', ')})`);
    }
    // by default the class the grid shows for the photo: the run's stored prediction, when it has one
    const wanted = request.classId ?? photo.prediction?.classId;
    const requested = wanted === undefined ? null : indexOf(wanted);
    const { cachedExplanation, cacheExplanation } = await import('./ml/runs/explain-photo.js');
    let found = await cachedExplanation(library, runId, photo.contentHash, requested);
    if (!found) {
      found = await (await explainerFor(runId)).explain(photo, requested);
      await cacheExplanation(library, photo.contentHash, requested, found);
    }
    const { classIndex, ...rest } = found;
    const cls = classes[classIndex]!;
    return { explanation: { ...rest, photoId: photo.id, classId: cls.id, className: cls.name }, path: photo.path };
  }

  return {
    explainPhoto: async (request) => (await explainPhoto(request)).explanation,
    async explanationPng(request) {
      const { explanation, path: photoPath } = await explainPhoto(request);
      const { explanationPng } = await import('./ml/runs/explanation-png.js');
      return explanationPng(photoPath, explanation);
    },
    close() {
      void explainer?.ready.then((e) => e.dispose(), () => undefined);
      explainer = null;
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
          probabilities: toClassProbabilities(result.classes, p.probabilities),
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
      const { toRunMetrics } = await import('./ml/runs/train-run.js');
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
    async predictArrivals(ctx) {
      const runId = latestDoneRunId(db);
      if (runId === null) return undefined;
      // loaded at first use: commands that never predict do not load the ML stack
      const { photosWithoutPrediction, predictLibraryPhotos } = await import('./ml/runs/predict-photos.js');
      const photos = photosWithoutPrediction(db, runId);
      if (photos.length === 0) return { runId, predicted: 0, skipped: [], cancelled: false, error: null };
      try {
        const config = getRunConfig(db, runId);
        const backend = await session.backendFor(config.backend);
        const backbone = await session.backboneFor(config, { requestedAlpha: config.alpha, what: `Run ${runId} was trained with` }, ctx.signal);
        const result = await session.withEmbedder(backbone, backend, (embed) => predictLibraryPhotos(library, runId, photos, embed, ctx));
        return { ...result, error: null };
      } catch (error) {
        if (isCancelled(error)) return { runId, predicted: 0, skipped: [], cancelled: true, error: null };
        return { runId, predicted: 0, skipped: [], cancelled: false, error: toStudioError(error).message };
      }
    },
    async exportRun({ runId, outDir, format }) {
      const config = getRunConfig(db, runId);
      const backbone = await session.backboneFor(config, { requestedAlpha: config.alpha, what: `Run ${runId} was trained with` });
      const { exportRun } = await import('./ml/runs/export.js');
      return exportRun(library, runId, outDir, { weightsDir: backbone.weightsDir, ...(format ? { format } : {}) });
    },
  };
}
