// Fine-tuning after the head converged: unfreeze the backbone's last N layers and train them with the head at a
// lower learning rate (Keras transfer-learning recipe), BatchNorm kept in inference mode. Runs in a worker thread
// (fine-tune-worker.ts) because its kernels are synchronous and would block a server's event loop for seconds.
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import { loadBackbone, type BackboneConfig } from '../backbone/backbone.js';
import { composeClassifier } from './compose-classifier.js';
import { installFastConvBackpropFilter } from './fast-conv-backprop.js';
import { splitBackbone } from './fine-tune-graph.js';
import { buildHead, sigmoidToRows, weightedCrossEntropy, type HeadSpec, type HeadTrainingOptions } from './head.js';
import { runTrainingLoop, yieldToEventLoop, type EpochMetrics } from './training-loop.js';
import { accuracy, logLoss, predictClasses } from './metrics.js';
import { folderSaveHandler } from '../backbone/model-folder.js';
import { preprocessPhoto, preprocessingSpec, toBatchTensor, type ImageSource } from '../features/preprocess.js';
import { createRandom, deriveSeed } from '../features/seeded-random.js';

/** Photos pushed through the frozen prefix at once. */
const PREFIX_BATCH = 16;

export interface SerializedTensor {
  shape: number[];
  data: Float32Array;
}

/** One more head fine-tuned from the same prefix pass, starting again from the original backbone weights (a k-fold fold). */
export interface FineTuneFoldSpec {
  head: { spec: HeadSpec; weights: SerializedTensor[] };
  trainRows: Int32Array;
  valRows: Int32Array;
  options: HeadTrainingOptions;
}

export interface FineTuneRequest {
  backbone: BackboneConfig;
  lastN: number;
  head: { spec: HeadSpec; weights: SerializedTensor[] };
  /** every photo to predict; rows in trainRows / valRows are labeled */
  sources: ImageSource[];
  /** class index per source row, −1 when unlabeled */
  labels: Int32Array;
  trainRows: Int32Array;
  valRows: Int32Array;
  /** epochs and learning rate of the fine-tuning stage itself */
  options: HeadTrainingOptions;
  /** the composed classifier (image → probabilities, fine-tuned weights) is saved here; null: not saved */
  classifierDir: string | null;
  /** k-fold: fold heads fine-tuned first (each predicts every source), sharing the one frozen-prefix pass */
  folds?: FineTuneFoldSpec[];
}

export interface FineTuneHooks {
  /** `fold`: index into request.folds, null for the main head */
  onEpoch?: (metrics: EpochMetrics, fold: number | null) => void;
  /** between the frozen prefix pass (any backend) and training (a backend with the gradient kernels) */
  beforeTraining?: () => Promise<void>;
  isCancelled?: () => boolean;
}

export interface FineTuneOutcome {
  /** sources × numClasses */
  probabilities: Float32Array;
  epochs: EpochMetrics[];
  /** per request.folds entry: sources × numClasses */
  foldProbabilities: Float32Array[];
}

export function serializeWeights(model: tf.LayersModel): SerializedTensor[] {
  return model.getWeights().map((w) => ({ shape: w.shape.slice(), data: w.dataSync() as Float32Array }));
}

/** Runs the frozen prefix once per photo: rows × (values of each crossing tensor). */
async function prefixActivations(prefix: tf.LayersModel, sources: readonly ImageSource[], backbone: BackboneConfig, cutSizes: number[]): Promise<Float32Array[]> {
  const spec = preprocessingSpec(backbone.inputSize, backbone.resize);
  const cuts = cutSizes.map((n) => new Float32Array(sources.length * n));
  for (let start = 0; start < sources.length; start += PREFIX_BATCH) {
    const inputs = await Promise.all(sources.slice(start, start + PREFIX_BATCH).map((s) => preprocessPhoto(s, spec)));
    const batch = toBatchTensor(tf, inputs, spec);
    const outputs = tf.tidy(() => {
      const out = prefix.predict(batch);
      return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
    });
    batch.dispose();
    outputs.forEach((values, k) => cuts[k]!.set(values, start * cutSizes[k]!));
    await yieldToEventLoop();
  }
  return cuts;
}

function gather(cuts: Float32Array[], cutShapes: number[][], rows: ArrayLike<number>): tf.Tensor[] {
  return cuts.map((values, k) => {
    const shape = cutShapes[k]!;
    const size = shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(rows.length * size);
    for (let i = 0; i < rows.length; i++) out.set(values.subarray(rows[i]! * size, (rows[i]! + 1) * size), i * size);
    return tf.tensor(out, [rows.length, ...shape]);
  });
}

export async function fineTune(request: FineTuneRequest, hooks: FineTuneHooks = {}): Promise<FineTuneOutcome> {
  const { head: headRequest } = request;
  const numClasses = headRequest.spec.numClasses;
  const binary = numClasses === 2;
  const backbone = await loadBackbone(tf, { ...request.backbone, trainable: false });
  const split = splitBackbone(tf, backbone.model, request.lastN);
  const head = buildHead(headRequest.spec);
  const cutSizes = split.cutShapes.map((s) => s.reduce((a, b) => a * b, 1));
  let classifier: tf.LayersModel | null = null;
  // every job starts from the loaded backbone weights
  const initialSuffix = split.trainableLayers.map((layer) => layer.getWeights().map((w) => w.clone()));
  try {
    const cuts = await prefixActivations(split.prefix, request.sources, request.backbone, cutSizes);
    await hooks.beforeTraining?.();
    if (tf.getBackend() === 'cpu') installFastConvBackpropFilter();
    const denseLayers = head.layers.filter((l) => l.getClassName() === 'Dense');
    const variables = [...split.trainableLayers, ...denseLayers].flatMap((layer) => layer.trainableWeights.map((w) => w.read() as tf.Variable));
    const forward = (inputs: tf.Tensor[], mask: tf.Tensor | null) =>
      tf.tidy(() => {
        const pooled = split.suffix.apply(inputs.length === 1 ? inputs[0]! : inputs, { training: false }) as tf.Tensor2D;
        return head.apply(mask ? tf.mul(pooled, mask) : pooled, { training: false }) as tf.Tensor2D;
      });
    const predictRows = (rows: ArrayLike<number>): Float32Array => {
      const out = new Float32Array(rows.length * numClasses);
      for (let start = 0; start < rows.length; start += 64) {
        const slice = Array.from(rows).slice(start, start + 64);
        const inputs = gather(cuts, split.cutShapes, slice);
        const values = tf.tidy(() => forward(inputs, null).dataSync() as Float32Array);
        inputs.forEach((t) => t.dispose());
        out.set(binary ? sigmoidToRows(values) : values, start * numClasses);
      }
      return out;
    };

    const train = async (job: FineTuneFoldSpec, fold: number | null): Promise<{ probabilities: Float32Array; epochs: EpochMetrics[] }> => {
      const { options } = job;
      split.trainableLayers.forEach((layer, i) => layer.setWeights(initialSuffix[i]!));
      const headWeights = job.head.weights.map((w) => tf.tensor(w.data, w.shape));
      head.setWeights(headWeights);
      tf.dispose(headWeights);
      const optimizer = tf.train.adam(options.learningRate);
      try {
        const trainLabels = Int32Array.from(job.trainRows, (r) => request.labels[r]!);
        const valLabels = Int32Array.from(job.valRows, (r) => request.labels[r]!);
        const random = createRandom(deriveSeed(options.seed, 40));
        const keep = 1 - options.dropout;
        const dim = job.head.spec.inputDim;
        const epochs = await runTrainingLoop({
          labels: trainLabels,
          numClasses,
          epochs: options.epochs,
          batchSize: options.batchSize,
          classWeight: options.classWeight,
          random,
          isCancelled: () => hooks.isCancelled?.() ?? false,
          step: ({ rows, y, w }) => {
            const size = rows.length;
            const maskValues = new Float32Array(size * dim);
            for (let k = 0; k < maskValues.length; k++) maskValues[k] = random() < keep ? 1 / keep : 0;
            const inputs = gather(cuts, split.cutShapes, Int32Array.from(rows, (i) => job.trainRows[i]!));
            const mask = tf.tensor2d(maskValues, [size, dim]);
            let probabilities: Float32Array | null = null;
            const loss = optimizer.minimize(
              () => {
                const p = forward(inputs, mask);
                probabilities = p.dataSync() as Float32Array;
                return weightedCrossEntropy(p, y, w);
              },
              true,
              variables,
            );
            const value = loss!.dataSync()[0]!;
            loss!.dispose();
            mask.dispose();
            inputs.forEach((t) => t.dispose());
            const values = (probabilities as Float32Array | null) ?? new Float32Array(size * (binary ? 1 : numClasses));
            return { loss: value, probabilities: binary ? sigmoidToRows(values) : values };
          },
          validate: () => {
            if (job.valRows.length === 0) return null;
            const p = predictRows(job.valRows);
            return { valLoss: logLoss(valLabels, p, numClasses), valAccuracy: accuracy(valLabels, predictClasses(p, numClasses)) };
          },
          onEpoch: (metrics) => hooks.onEpoch?.(metrics, fold),
        });
        return { probabilities: predictRows(Int32Array.from(request.sources.keys())), epochs };
      } finally {
        optimizer.dispose();
      }
    };

    const foldProbabilities: Float32Array[] = [];
    for (const [fold, job] of (request.folds ?? []).entries()) foldProbabilities.push((await train(job, fold)).probabilities);
    const main = await train(request, null);
    if (request.classifierDir) {
      classifier = composeClassifier(backbone.model, head, numClasses);
      await classifier.save(folderSaveHandler(request.classifierDir));
    }
    return { probabilities: main.probabilities, epochs: main.epochs, foldProbabilities };
  } finally {
    tf.dispose(initialSuffix.flat());
    disposeWeights([backbone.model, split.suffix, head, ...(classifier ? [classifier] : [])]);
  }
}

/**
 * These models share layers, and tfjs counts layer references per symbolic call, not per model, so disposing each
 * model in turn fails on a shared layer. Disposing every distinct weight once frees the same memory.
 */
function disposeWeights(models: readonly tf.LayersModel[]): void {
  const seen = new Set<tf.LayerVariable>();
  for (const model of models) {
    for (const weight of model.weights) {
      if (seen.has(weight)) continue;
      seen.add(weight);
      weight.dispose();
    }
  }
}
