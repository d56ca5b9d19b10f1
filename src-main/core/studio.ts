// The core's implementation of StudioApi: one object per open library, shared by the CLI, the server and Electron.
import fs from 'node:fs';
import type { EventName, EventPayload, StudioApi } from '../api/contract.js';
import { StudioError } from '../api/errors.js';
import type { ExplainRequest } from '../api/explain-schemas.js';
import type { ImportSummary } from '../api/schemas.js';
import { DEFAULT_TRAINING_CONFIG, TRAINING_FIELDS } from '../api/training-settings.js';
import { JobManager } from './jobs/job-manager.js';
import { createClass, deleteClass, listClasses, mergeClasses, renameClass } from './library/classes.js';
import { redoLabels, setLabels, undoLabels } from './library/labels.js';
import { openLibrary, type Library } from './library/library.js';
import { getSchemaVersion } from './library/migrate.js';
import { listFolderCounts } from './library/folder-counts.js';
import { findPhotoIdByPath, getPhoto, indexOfPhoto, listDuplicateGroups, listPhotos, nextUnlabeledPhoto } from './library/photo-list.js';
import { resolveMedia, type MediaFile, type MediaKind } from './photos/media-files.js';
import { getReviewQueue } from './ml/runs/review-queues.js';
import { getRun, getRunConfig, listRuns } from './ml/runs/runs.js';
import { createMlSession } from './ml-session.js';
import { resolveReview } from './review-actions.js';
import { createRunOutputs } from './run-outputs.js';
import { createTrainingService, type TrainingService } from './studio-training.js';
import { getLibraryStats } from './library/stats.js';
import { exportDataset } from './curate/dataset-export.js';
import { writePhotoTable } from './curate/photo-table.js';
import { sortedCopies } from './curate/sorted-copies.js';
import { writeXmpSidecars } from './curate/xmp-sidecars.js';
import { previewImport, requireAbsoluteFolder } from './photos/preview-import.js';
import { browseFolders } from './photos/browse-folders.js';
import { createRemovalActions } from './removal-actions.js';
import { listPhotoDays, listPhotoPlaces } from './library/photo-groups.js';
import { PLACE_LINK_KM, placesNeedUpdate, updatePlaces } from './photos/place-clusters.js';
import { watchFolder, type FolderWatch, type FolderWatchOptions } from './folder-watch.js';

export type StudioEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface Studio {
  api: StudioApi;
  library: Library;
  jobs: JobManager;
  training: TrainingService;
  subscribe(listener: StudioEventListener): () => void;
  /** The file behind a photo id for the media routes of the shells (thumbnail or upright preview); NOT_FOUND otherwise. */
  media(kind: MediaKind, photoId: number): Promise<MediaFile>;
  /** Imports `dir` now and whenever files change below it (core/folder-watch.ts); NOT_FOUND / INVALID_INPUT for a bad folder. */
  watch(dir: string, options: FolderWatchOptions): FolderWatch;
  /** A photo's class activation map drawn over it, as PNG bytes (for `studio explain --out`). */
  explanationPng(request: ExplainRequest): Promise<Buffer>;
  /** For the local CLI, which names photos by path. */
  findPhotoIdByPath(filePath: string): number | undefined;
  close(): Promise<void>;
}

function realFolder(folder: string): string {
  try {
    return fs.realpathSync.native(folder);
  } catch {
    return folder;
  }
}

export function openStudio(libraryDir: string): Studio {
  const library = openLibrary(libraryDir);
  const { db } = library;
  const jobs = new JobManager();
  const ml = createMlSession(library);
  const training = createTrainingService(library, ml);
  const runOutputs = createRunOutputs(library, ml);
  const removals = createRemovalActions(library, jobs);
  const listeners = new Set<StudioEventListener>();
  const emit: StudioEventListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };
  jobs.subscribe({
    onProgress: (progress) => emit('job.progress', progress),
    onFinished: (finished) => emit('job.finished', finished),
  });
  const labelsChanged = <T>(value: T): T => {
    emit('library.changed', { what: 'labels' });
    return value;
  };
  const photosChanged = <T>(value: T): T => {
    emit('library.changed', { what: 'photos' });
    return value;
  };
  /** photos left or came back: a place can split or join, so its clusters are recomputed */
  const photoSetChanged = <T>(value: T): T => {
    updatePlaces(db);
    return photosChanged(value);
  };
  const classesChanged = <T>(value: T): T => {
    emit('library.changed', { what: 'classes' });
    return value;
  };

  const api: StudioApi = {
    'library.info': async () => ({ root: library.paths.root, schemaVersion: getSchemaVersion(db) }),
    'library.stats': async () => getLibraryStats(db),

    'photos.import': async (request) => {
      requireAbsoluteFolder(request.root);
      const jobId = jobs.start('import', async (ctx): Promise<ImportSummary> => {
        let summary: ImportSummary;
        try {
          // the image stack (sharp, exifr) loads with the first import, not with the library
          const { importFolder } = await import('./photos/import-folder.js');
          summary = await importFolder(library, request, ctx);
        } finally {
          emit('library.changed', { what: 'photos' });
        }
        // new photos get the current model's prediction at once, so the grid's predicted filters cover them
        if (summary.cancelled) return summary;
        const predictions = await runOutputs.predictArrivals(ctx);
        if (!predictions) return summary;
        if (predictions.predicted > 0) emit('library.changed', { what: 'photos' });
        return { ...summary, predictions, cancelled: predictions.cancelled };
      }, { queue: 'import' });
      return { jobId };
    },
    // stored paths are real paths (import resolves links), so a folder typed through a symbolic link must be too
    'photos.list': async (query) => listPhotos(db, query.folder ? { ...query, folder: realFolder(query.folder) } : query),
    'photos.get': async ({ id }) => getPhoto(db, id),
    'photos.duplicateGroups': async (paging) => listDuplicateGroups(db, paging),
    'photos.folders': async () => listFolderCounts(db),
    'photos.indexOf': async ({ photoId, ...query }) => ({ index: indexOfPhoto(db, query.folder ? { ...query, folder: realFolder(query.folder) } : query, photoId) }),
    'photos.nextUnlabeled': async ({ after, ...query }) => nextUnlabeledPhoto(db, query.folder ? { ...query, folder: realFolder(query.folder) } : query, after),
    'photos.previewImport': async ({ root }) => previewImport(db, root, { excludeDirs: [library.paths.root] }),
    'photos.remove': async (request) => {
      const report = await removals.remove(request);
      return report.removalId === null ? report : photoSetChanged(report);
    },
    'photos.restore': async (request) => photoSetChanged(await removals.restore(request)),
    'folders.browse': async (request) => browseFolders(request),
    'photos.days': async (query) => listPhotoDays(db, query.folder ? { ...query, folder: realFolder(query.folder) } : query),
    'photos.places': async (query) => {
      // a library imported before places existed is clustered on first use (a read-only one cannot store them)
      if (!library.readOnly && placesNeedUpdate(db)) updatePlaces(db);
      return listPhotoPlaces(db, query.folder ? { ...query, folder: realFolder(query.folder) } : query, PLACE_LINK_KM);
    },

    'classes.list': async () => listClasses(db),
    'classes.create': async ({ name, color }) => classesChanged(createClass(db, name, color)),
    'classes.rename': async ({ id, name }) => classesChanged(renameClass(db, id, name)),
    'classes.merge': async ({ sourceId, targetId }) => classesChanged(mergeClasses(db, sourceId, targetId)),
    'classes.delete': async ({ id }) => classesChanged(deleteClass(db, id)),

    'labels.set': async (request) => labelsChanged(setLabels(db, request)),
    'labels.undo': async () => labelsChanged(undoLabels(db)),
    'labels.redo': async () => labelsChanged(redoLabels(db)),

    'training.backend': async () => training.backend(),
    'training.lastConfig': async () => {
      const { backend, weightsDir, ...rest } = training.lastConfig();
      return { ...rest, ...(backend ? { backend } : {}), ...(weightsDir ? { weightsDir } : {}) };
    },
    'training.fields': async () => ({ fields: [...TRAINING_FIELDS], defaults: DEFAULT_TRAINING_CONFIG }),
    'training.start': async (input) => {
      // the lock is taken before the job exists, so a clash is answered CONFLICT here, not as a failed job
      let jobId = '';
      let runCreated: (runId: number) => void = () => undefined;
      const run = new Promise<number>((resolve) => (runCreated = resolve));
      const train = await training.startTraining(input, {
        onRun: (runId) => {
          runCreated(runId);
          emit('library.changed', { what: 'runs' });
        },
        onEpoch: (runId, epoch) => emit('run.epoch', { jobId, runId, epoch }),
      });
      jobId = jobs.start('training', async (ctx) => {
        try {
          return await train(ctx);
        } finally {
          emit('library.changed', { what: 'runs' });
        }
      });
      // answered once the run exists (backend and weights chosen); a job that fails before that fails the call
      const runId = await Promise.race([run, jobs.wait(jobId).then(() => null)]);
      if (runId === null) {
        const state = jobs.get(jobId);
        throw new StudioError(state?.errorCode ?? 'INTERNAL', state?.error ?? 'The training stopped before it created its run');
      }
      return { jobId, runId };
    },
    'runs.list': async () => listRuns(db),
    'runs.get': async ({ id }) => getRun(db, id),
    'runs.export': async (request) => runOutputs.exportRun(request),
    'predict.folder': async (request) => ({ jobId: jobs.start('predict', (ctx) => runOutputs.predictFolder(request, ctx)) }),
    'predict.evaluate': async (request) => ({ jobId: jobs.start('evaluate', (ctx) => runOutputs.evaluateFolder(request, ctx)) }),
    'photos.explain': async (request) => runOutputs.explainPhoto(request),
    'review.queue': async (request) => {
      const page = getReviewQueue(db, request);
      return {
        runId: page.runId,
        total: page.total,
        items: page.items.map((item) => ({
          photo: getPhoto(db, item.photoId, page.runId),
          predictedClassId: item.predictedClassId,
          probabilities: item.probabilities,
          score: item.score,
          source: item.source,
        })),
      };
    },
    'review.resolve': async (action) => labelsChanged(resolveReview(db, action)),
    'curate.copy': async (request) => ({ jobId: jobs.start('curate', sortedCopies(library, request)) }),
    'curate.dataset': async (request) => ({ jobId: jobs.start('curate', exportDataset(library, request)) }),
    'curate.table': async (request) => ({ jobId: jobs.start('curate', writePhotoTable(library, request)) }),
    'curate.xmp': async (request) => ({ jobId: jobs.start('curate', writeXmpSidecars(library, request)) }),

    'jobs.list': async () => jobs.list(),
    'jobs.get': async ({ jobId }) => {
      const state = jobs.get(jobId);
      if (!state) throw new StudioError('NOT_FOUND', `No job with id ${jobId}`);
      return state;
    },
    'jobs.cancel': async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
  };

  const subscribe = (listener: StudioEventListener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const watches = new Set<FolderWatch>();
  return {
    api,
    library,
    jobs,
    training,
    subscribe,
    watch(dir, options) {
      const watch = watchFolder({ api, subscribe, library }, dir, options);
      watches.add(watch);
      return { root: watch.root, close: () => (watches.delete(watch), watch.close()) };
    },
    media: (kind, photoId) => resolveMedia(library, kind, photoId),
    explanationPng: (request) => runOutputs.explanationPng(request),
    findPhotoIdByPath: (filePath) => findPhotoIdByPath(db, filePath),
    async close() {
      for (const watch of watches) watch.close();
      await jobs.cancelAll();
      runOutputs.close();
      await ml.close();
      library.close();
    },
  };
}
