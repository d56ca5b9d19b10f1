// One training run end to end: snapshot the labeled photos, split, features, head (k-fold optional), metrics,
// predictions for every photo, the saved model, and the run record from queued to done / failed / cancelled.
import fs from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { StudioError, isCancelled, toStudioError } from '../../../api/errors.js';
import type { EpochRecord, RunMetrics } from '../../../api/training-schemas.js';
import type { JobContext } from '../../jobs/job-context.js';
import { throwIfCancelled } from '../../jobs/job-context.js';
import type { Library } from '../../library/library.js';
import type { EpochMetrics, FeatureSet, HeadSpec, HeadTrainingOptions } from '../training/head.js';
import { crossValidateHead, fitHead, predictRecipe, progressSlice, selectRecipeRows, type HeadRecipe, type RecipeData } from '../training/head-recipe.js';
import { crossValidateLinear, fitLinearHead, isLinearHead, type SolvedLinearHead } from '../training/linear-head-fit.js';
import { foldFineTuneJobs, fineTunedOutOfFold } from './fine-tune-folds.js';
import { labelErrorScores } from './label-errors.js';
import { computeMetrics, predictClasses, wilsonInterval } from '../training/metrics.js';
import { runOutlierScores } from './outlier-scores.js';
import type { NeighbourCache } from '../neighbours/neighbour-cache-file.js';
import { saveRunModel } from './run-model.js';
import {
  createRun,
  finishRun,
  getRunConfig,
  recordEpoch,
  savePredictions,
  saveRunPhotos,
  setRunCounts,
  startRun,
  type PredictionRow,
  type RunConfig,
} from './runs.js';
import { assignFolds, splitTrainValidation } from '../training/split.js';
import { type TrainingConfig, usesAugmentation } from '../training/training-config.js';
import { snapshotDataset, type FeaturePhoto } from './dataset-snapshot.js';

/** Labeled photos from which k-fold linear heads are solved full-batch instead of by Adam epochs. */
export const FULL_BATCH_MIN_PHOTOS = 2000;

export const BINARY_THRESHOLD = 0.5;

/**
 * 'plain': one view per photo; 'augmented': view 0 is the plain photo, then the configured augmented views;
 * 'mirror': the photo flipped left–right (one view).
 */
export type FeatureViews = 'plain' | 'augmented' | 'mirror';

/** Learning rate of the fine-tuning stage relative to the head's (Keras transfer-learning recipe). */
export const FINE_TUNE_LEARNING_RATE_FACTOR = 0.1;
export const CLASSIFIER_DIR = 'classifier';

export interface FineTuneJob {
  /** labeled photos first (in snapshot order), then unlabeled */
  photos: FeaturePhoto[];
  /** class index per photo, −1 when unlabeled */
  labels: Int32Array;
  trainRows: Int32Array;
  valRows: Int32Array;
  head: tf.LayersModel;
  headSpec: HeadSpec;
  options: HeadTrainingOptions;
  classifierDir: string;
  /** k-fold: the fold heads, fine-tuned first from the same frozen-prefix pass; each predicts its held-out rows */
  folds?: FineTuneFold[];
}

export interface FineTuneFold {
  trainRows: Int32Array;
  valRows: Int32Array;
  head: tf.LayersModel;
  headSpec: HeadSpec;
  options: HeadTrainingOptions;
}

export interface FineTuneOutput {
  /** every job photo × numClasses, from the final model */
  probabilities: Float32Array;
  /** per job.folds entry, every job photo × numClasses */
  foldProbabilities: Float32Array[];
}

export interface TrainRunDeps {
  backendName: string;
  /** the backend that computes fine-tuning gradients, when it differs (wasm has no such kernels) */
  fineTuneBackendName?: string;
  backboneId: string;
  preprocessing: unknown;
  /** Pooled backbone features, rows in the order of `photos` (the embedding cache in the app; fixed rows in tests). */
  getFeatures(photos: readonly FeaturePhoto[], views: FeatureViews, ctx: JobContext): Promise<FeatureSet>;
  /** The fine-tuning stage (in a worker); `fold` null is the final model's. Absent → runs asking for it fail. */
  fineTune?: (job: FineTuneJob, ctx: JobContext, onEpoch: (metrics: EpochMetrics, fold: number | null) => void) => Promise<FineTuneOutput>;
  /** Each photo's nearest photos kept between runs (outlier scores); absent → computed every run. */
  neighbourCache?: NeighbourCache;
  /** Told each epoch once it is recorded (the studio sends it as a run.epoch event). */
  onEpoch?: (record: EpochRecord) => void;
}

export interface TrainRunResult {
  runId: number;
  metrics: RunMetrics;
  modelDir: string;
}

function headOptions(config: TrainingConfig): HeadTrainingOptions {
  return {
    epochs: config.epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    classWeight: config.classWeights,
    dropout: config.dropout,
    seed: config.seed,
  };
}

/** How the run's heads are fitted and applied (head-recipe.ts), from its settings. */
export function headRecipe(config: TrainingConfig): HeadRecipe {
  return { options: headOptions(config), flipRows: config.mirror, flipTta: config.mirror, l2Grid: null };
}

/** Creates the queued run row (so a caller can show it at once) with the dataset's class list frozen in. */
export function createTrainingRun(library: Library, config: TrainingConfig, deps: Pick<TrainRunDeps, 'backboneId' | 'preprocessing'>): number {
  const { classes } = snapshotDataset(library.db);
  const runConfig: RunConfig = { ...config, classes, backboneId: deps.backboneId, preprocessing: deps.preprocessing, threshold: BINARY_THRESHOLD };
  return createRun(library.db, runConfig);
}

export function toRunMetrics(
  labels: Int32Array,
  probabilities: Float32Array,
  config: RunConfig,
  kfold: RunMetrics['kfold'],
  on: NonNullable<RunMetrics['evaluation']>['on'],
): RunMetrics {
  const numClasses = config.classes.length;
  const m = computeMetrics(labels, probabilities, numClasses, numClasses === 2 ? { threshold: config.threshold } : {});
  const correct = Math.round(m.accuracy * labels.length);
  return {
    evaluation: { on, n: labels.length, ...wilsonInterval(correct, labels.length) },
    accuracy: m.accuracy,
    loss: m.logLoss,
    perClass: m.perClass.map((c, i) => ({ classId: config.classes[i]!.id, name: config.classes[i]!.name, ...c })),
    confusion: m.confusion,
    classIds: config.classes.map((c) => c.id),
    rocAuc: m.rocAuc,
    kfold,
  };
}

export function predictionRows(
  photoIds: readonly number[],
  probabilities: Float32Array,
  config: RunConfig,
  source: (index: number) => PredictionRow['source'],
  labelErrorScore: (index: number) => number | null = () => null,
): PredictionRow[] {
  const numClasses = config.classes.length;
  const predicted = predictClasses(probabilities, numClasses, numClasses === 2 ? config.threshold : undefined);
  return photoIds.map((photoId, i) => {
    const row = Array.from(probabilities.subarray(i * numClasses, (i + 1) * numClasses));
    const classIndex = predicted[i] as number;
    return {
      photoId,
      classId: config.classes[classIndex]!.id,
      confidence: row[classIndex] as number,
      probabilities: row,
      source: source(i),
      labelErrorScore: labelErrorScore(i),
    };
  });
}

/** Label-error scores over the out-of-fold rows only: in-fold probabilities have seen the (possibly wrong) label. */
function outOfFoldLabelErrors(labels: Int32Array, probabilities: Float32Array, outOfFold: (i: number) => boolean, numClasses: number): Map<number, number> {
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (outOfFold(i)) rows.push(i);
  const scores = labelErrorScores(
    rows.map((i) => ({ label: labels[i] as number, probabilities: Array.from(probabilities.subarray(i * numClasses, (i + 1) * numClasses)) })),
    numClasses,
  );
  const byRow = new Map<number, number>();
  rows.forEach((row, j) => {
    const score = scores[j];
    if (score !== null && score !== undefined) byRow.set(row, score);
  });
  return byRow;
}

/** Runs a created (queued) run to its end. Failures mark the run failed, cancellation marks it cancelled; both rethrow. */
export async function executeTrainingRun(library: Library, runId: number, config: RunConfig, ctx: JobContext, deps: TrainRunDeps): Promise<TrainRunResult> {
  const { db } = library;
  const models: tf.LayersModel[] = [];
  const fineTuning = config.fineTuneLayers > 0 && config.fineTuneEpochs > 0;
  const fineTuneBackend = fineTuning && deps.fineTuneBackendName && deps.fineTuneBackendName !== deps.backendName ? deps.fineTuneBackendName : null;
  startRun(db, runId, fineTuneBackend ? `${deps.backendName} + ${fineTuneBackend} (fine-tune)` : deps.backendName);
  try {
    if (fineTuning && !deps.fineTune) {
      throw new StudioError('UNAVAILABLE', 'Fine-tuning needs the backbone weights, which this caller did not provide: train with fineTuneLayers 0, or supply them');
    }
    const snapshot = snapshotDataset(db, config.classes);
    const numClasses = config.classes.length;
    const labeled = snapshot.labeled;
    const labels = Int32Array.from(labeled, (p) => p.classIndex);
    const splitPhotos = labeled.map((p) => ({ id: p.id, classIndex: p.classIndex, dupGroup: p.dupGroup, sortKey: p.contentHash }));
    const kfold = config.kfold >= 2 ? config.kfold : 0;
    const folds = kfold ? assignFolds(splitPhotos, { k: kfold, seed: config.seed }) : null;
    const split = folds ? null : splitTrainValidation(splitPhotos, { validationFraction: config.valSplit, seed: config.seed });
    const inValidation = new Set(split?.validation ?? []);
    saveRunPhotos(
      db,
      runId,
      labeled.map((p) => ({ photoId: p.id, split: inValidation.has(p.id) ? 'val' : 'train', fold: folds?.get(p.id) ?? null, classId: config.classes[p.classIndex]!.id })),
    );
    setRunCounts(db, runId, {
      labeled: labeled.length,
      unlabeled: snapshot.unlabeled.length,
      perClass: config.classes.map((c, i) => ({
        classId: c.id,
        name: c.name,
        train: labeled.filter((p) => p.classIndex === i && !inValidation.has(p.id)).length,
        val: labeled.filter((p) => p.classIndex === i && inValidation.has(p.id)).length,
      })),
    });

    const recipe = headRecipe(config);
    const mirrored = recipe.flipRows || recipe.flipTta;
    const mirrorOf = async (photos: readonly FeaturePhoto[]) => (mirrored ? ((await deps.getFeatures(photos, 'mirror', ctx)).views[0] as Float32Array) : null);
    const labeledFeatures = await deps.getFeatures(labeled, usesAugmentation(config) ? 'augmented' : 'plain', ctx);
    const data: RecipeData = { features: labeledFeatures, labels, flipped: await mirrorOf(labeled) };
    throwIfCancelled(ctx.signal);
    const unlabeledFeatures = snapshot.unlabeled.length > 0 ? await deps.getFeatures(snapshot.unlabeled, 'plain', ctx) : null;
    const unlabeledMirror = unlabeledFeatures ? await mirrorOf(snapshot.unlabeled) : null;
    throwIfCancelled(ctx.signal);
    const head = { inputDim: labeledFeatures.dim, numClasses, hiddenUnits: config.hiddenUnits, dropout: config.dropout };
    const options = recipe.options;
    const totalEpochs = options.epochs * (kfold + 1);

    let labeledProbabilities: Float32Array;
    let metricsLabels: Int32Array;
    let metricsProbabilities: Float32Array;
    let kfoldMetrics: RunMetrics['kfold'] = null;
    let frozenHead: RunMetrics['frozenHead'];
    const fineTuneOptions = { ...options, epochs: config.fineTuneEpochs, learningRate: config.learningRate * FINE_TUNE_LEARNING_RATE_FACTOR };
    // Under k-fold every fold is fine-tuned too (its out-of-fold result beside the frozen one), then the final model.
    const fineTuneTotal = config.fineTuneEpochs * (kfold + 1);
    let foldJobs: FineTuneFold[] = [];
    let foldOf: Int32Array | null = null;
    let frozenOutOfFold: Float32Array | null = null;
    const isOutOfFold = (i: number) => kfold > 0 || inValidation.has(labeled[i]!.id);
    // With k-fold (6 heads) on a large library a linear head is fitted full-batch (linear-head-fit.ts), the k fold
    // heads and the final head side by side, one pass over the rows serving all of them. Below that size
    // Adam is kept: on alpaca (327 photos, seeds 1–3, same folds) it scored 0.9725 against the solver's 0.9684, in
    // about the same 1–2 s. The single split keeps the article's recipe (Adam epochs, live curve, Dropout).
    const linear = Boolean(folds) && labeled.length >= FULL_BATCH_MIN_PHOTOS && isLinearHead(head) && !recipe.l2Grid;
    // the final head, fitted with the fold heads in one joint solve (every row serves k − 1 fold heads and it)
    let finalHead: SolvedLinearHead | null = null;

    if (folds) {
      foldOf = Int32Array.from(labeled, (p) => folds.get(p.id) as number);
      const cvArgs = { data, folds: foldOf, k: kfold, head, recipe, ctx, progress: { offset: 0, total: totalEpochs } };
      const linearCv = linear ? await crossValidateLinear({ ...cvArgs, final: true }) : null;
      const cv = linearCv ?? (await crossValidateHead(cvArgs));
      finalHead = linearCv?.final ?? null;
      labeledProbabilities = cv.outOfFold;
      metricsLabels = labels;
      metricsProbabilities = cv.outOfFold;
      kfoldMetrics = { k: kfold, accuracies: cv.accuracies, mean: cv.mean, std: cv.std };
      frozenOutOfFold = cv.outOfFold;
    }
    // The final head: on the training split (validated on the held-out split), or on every labeled photo after k-fold.
    const trainRows = labeled.flatMap((p, i) => (inValidation.has(p.id) ? [] : [i]));
    const valRows = labeled.flatMap((p, i) => (inValidation.has(p.id) ? [i] : []));
    const finalArgs = {
      data: selectRecipeRows(data, trainRows),
      validation: valRows.length > 0 ? selectRecipeRows(data, valRows) : null,
      head,
      recipe,
      ctx: progressSlice(ctx, kfold * options.epochs, totalEpochs),
      onEpoch: (e: EpochMetrics) => {
        recordEpoch(db, runId, { phase: 'head', ...e });
        deps.onEpoch?.({ phase: 'head', ...e });
      },
    };
    const { model: finalModel } = linear ? await fitLinearHead({ ...finalArgs, solved: finalHead }) : await fitHead(finalArgs);
    models.push(finalModel);
    const modelDir = path.join(library.paths.models, `run-${runId}`);
    let fineTuned: Float32Array | null = null;
    if (fineTuning && deps.fineTune) {
      if (foldOf) {
        foldJobs = await foldFineTuneJobs({ data, folds: foldOf, k: kfold, head, recipe, fineTuneOptions, ctx });
        models.push(...foldJobs.map((j) => j.head));
      }
      const photos = [...labeled.map((p) => ({ id: p.id, contentHash: p.contentHash, path: p.path })), ...snapshot.unlabeled];
      ctx.report({ stage: 'fine-tune', done: 0, total: fineTuneTotal });
      const output = await deps.fineTune(
        {
          photos,
          labels: Int32Array.from(photos, (_, i) => (i < labeled.length ? (labels[i] as number) : -1)),
          trainRows: Int32Array.from(trainRows),
          valRows: Int32Array.from(valRows),
          head: finalModel,
          headSpec: { ...head, seed: config.seed },
          options: fineTuneOptions,
          classifierDir: path.join(modelDir, CLASSIFIER_DIR),
          folds: foldJobs,
        },
        ctx,
        (e, fold) => {
          // the folds first, then the final model: one rising count; only the final model's epochs are recorded
          if (fold === null) {
            recordEpoch(db, runId, { phase: 'fine-tune', ...e });
            deps.onEpoch?.({ phase: 'fine-tune', ...e });
          }
          ctx.report({ stage: 'fine-tune', done: (fold ?? foldJobs.length) * config.fineTuneEpochs + e.epoch, total: fineTuneTotal });
        },
      );
      fineTuned = output.probabilities;
      if (frozenOutOfFold && foldJobs.length > 0) {
        const tuned = fineTunedOutOfFold(foldJobs, output.foldProbabilities, labels, numClasses);
        const frozen = toRunMetrics(labels, frozenOutOfFold, config, kfoldMetrics, 'out-of-fold');
        frozenHead = { accuracy: frozen.accuracy, evaluation: frozen.evaluation!, kfold: kfoldMetrics };
        labeledProbabilities = tuned.outOfFold;
        metricsProbabilities = tuned.outOfFold;
        kfoldMetrics = { k: kfold, accuracies: tuned.accuracies, mean: tuned.mean, std: tuned.std };
      }
    }
    ctx.report({ stage: 'predict', done: 0, total: 1 });
    const plain: FeatureSet = { ...labeledFeatures, views: [labeledFeatures.views[0] as Float32Array] };
    if (!folds) {
      labeledProbabilities = fineTuned ? fineTuned.slice(0, labeled.length * numClasses) : predictRecipe(finalModel, plain, data.flipped, recipe);
      metricsLabels = Int32Array.from(valRows, (i) => labels[i] as number);
      metricsProbabilities = new Float32Array(valRows.length * numClasses);
      valRows.forEach((row, j) => metricsProbabilities.set(labeledProbabilities.subarray(row * numClasses, (row + 1) * numClasses), j * numClasses));
      if (fineTuned && valRows.length > 0) {
        const held = selectRecipeRows({ ...data, features: plain }, valRows);
        const frozen = toRunMetrics(metricsLabels, predictRecipe(finalModel, held.features, held.flipped, recipe), config, null, 'validation-split');
        frozenHead = { accuracy: frozen.accuracy, evaluation: frozen.evaluation!, kfold: null };
      }
    }
    const metrics = { ...toRunMetrics(metricsLabels!, metricsProbabilities!, config, kfoldMetrics, folds ? 'out-of-fold' : 'validation-split'), ...(frozenHead ? { frozenHead } : {}) };
    const suspects = outOfFoldLabelErrors(labels, labeledProbabilities!, isOutOfFold, numClasses);
    const rows = predictionRows(
      labeled.map((p) => p.id),
      labeledProbabilities!,
      config,
      (i) => (isOutOfFold(i) ? 'out-of-fold' : 'in-fold'),
      (i) => suspects.get(i) ?? null,
    );
    if (unlabeledFeatures) {
      const unlabeledProbabilities = fineTuned ? fineTuned.slice(labeled.length * numClasses) : predictRecipe(finalModel, unlabeledFeatures, unlabeledMirror, recipe);
      rows.push(...predictionRows(snapshot.unlabeled.map((p) => p.id), unlabeledProbabilities, config, () => 'unlabeled'));
    }
    const photoIds = Int32Array.from([...labeled, ...snapshot.unlabeled], (p) => p.id);
    const neighbours = deps.neighbourCache ? { ids: photoIds, cache: deps.neighbourCache } : undefined;
    const outliers = await runOutlierScores(labeledFeatures, labels, unlabeledFeatures, numClasses, neighbours);
    rows.forEach((row, i) => (row.outlierScore = outliers[i] ?? null));
    throwIfCancelled(ctx.signal);
    savePredictions(db, runId, rows);
    ctx.report({ stage: 'predict', done: 1, total: 1 });

    await saveRunModel(modelDir, finalModel, {
      format: 'hike-photo-studio-model',
      version: 1,
      runId,
      classes: config.classes,
      input: { kind: 'head', features: labeledFeatures.dim },
      backboneId: config.backboneId,
      alpha: config.alpha,
      inputSize: config.inputSize,
      preprocessing: config.preprocessing,
      output: numClasses === 2 ? 'sigmoid' : 'softmax',
      threshold: config.threshold,
      fineTunedClassifier: fineTuned ? CLASSIFIER_DIR : null,
      mirrorTta: recipe.flipTta && !fineTuned,
    });
    finishRun(db, runId, { status: 'done', metrics, modelDir });
    return { runId, metrics, modelDir };
  } catch (error) {
    // A half-written model folder (e.g. a fine-tuned classifier saved before a later failure) must not linger.
    await fs.rm(path.join(library.paths.models, `run-${runId}`), { recursive: true, force: true });
    if (isCancelled(error)) finishRun(db, runId, { status: 'cancelled' });
    else finishRun(db, runId, { status: 'failed', error: toStudioError(error).message });
    throw error;
  } finally {
    for (const model of models) model.dispose();
  }
}

/** createTrainingRun + executeTrainingRun. */
export async function trainRun(library: Library, config: TrainingConfig, ctx: JobContext, deps: TrainRunDeps): Promise<TrainRunResult> {
  const runId = createTrainingRun(library, config, deps);
  return executeTrainingRun(library, runId, getRunConfig(library.db, runId), ctx, deps);
}
