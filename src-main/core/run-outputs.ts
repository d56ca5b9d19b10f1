// What a trained run does with files outside the library: predict a folder, evaluate a folder of class
// subfolders (both with the leak check against the run's training photos), and export the run's model.
import path from 'node:path';
import { StudioError } from '../api/errors.js';
import type { ExportResult, FolderEvaluation, FolderPredictions, FolderRequest } from '../api/training-schemas.js';
import type { JobContext } from './jobs/job-context.js';
import { toClassProbabilities } from './library/class-probabilities.js';
import type { Library } from './library/library.js';
import { exportRun } from './ml/runs/export.js';
import { predictFiles, type FilePredictions } from './ml/runs/predict-files.js';
import { getRunConfig, latestDoneRunId } from './ml/runs/runs.js';
import { toRunMetrics } from './ml/runs/train-run.js';
import { findTrainingMatches } from './ml/runs/training-leaks.js';
import type { MlSession } from './ml-session.js';
import { scanFolder } from './photos/scan-folder.js';

export interface RunOutputs {
  predictFolder(request: FolderRequest, ctx: JobContext): Promise<FolderPredictions>;
  evaluateFolder(request: FolderRequest, ctx: JobContext): Promise<FolderEvaluation>;
  exportRun(request: { runId: number; outDir: string; format?: 'tfjs' | 'onnx' | undefined }): Promise<ExportResult>;
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
    const matches = await findTrainingMatches(db, runId, files, ctx.signal);
    ctx.report({ stage: 'leak-check', done: files.length, total: files.length });
    return matches;
  }

  return {
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
      const backbone = await session.backboneFor(config, { requestedAlpha: config.alpha, what: `Run ${runId} was trained with` });
      return exportRun(library, runId, outDir, { weightsDir: backbone.weightsDir, ...(format ? { format } : {}) });
    },
  };
}
