// The classifier head on pooled backbone features: build, train (seeded, cancellable, per-epoch metrics), predict.
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../api/errors.js';
import type { JobContext } from '../jobs/job-context.js';
import { accuracy, logLoss, predictClasses } from './metrics.js';
import { createRandom, deriveSeed, type Random } from './seeded-random.js';

export interface HeadSpec {
  inputDim: number;
  numClasses: number;
  hiddenUnits: readonly number[];
  dropout: number;
  seed: number;
}

/** Rows of pooled features: views[v] holds `count` rows of `dim` floats for view v (view 0 = the plain photo). */
export interface FeatureSet {
  dim: number;
  count: number;
  views: Float32Array[];
}

export interface LabeledFeatures {
  features: FeatureSet;
  /** class index per row */
  labels: Int32Array;
}

export interface HeadTrainingOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  classWeight: 'none' | 'balanced';
  dropout: number;
  seed: number;
}

export interface EpochMetrics {
  /** 1-based */
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
}

const PROBABILITY_EPSILON = 1e-7;

/**
 * Dropout → [Dense+ReLU]* → Dense(1, sigmoid) for two classes or Dense(N, softmax), as the Keras transfer-learning
 * recipe. Layer names are fixed so saved heads can be composed onto a backbone by name.
 */
export function buildHead(spec: HeadSpec): tf.Sequential {
  if (!Number.isInteger(spec.numClasses) || spec.numClasses < 2) {
    throw new StudioError('INVALID_INPUT', `expected at least 2 classes, received ${spec.numClasses}`);
  }
  const model = tf.sequential({ name: 'head' });
  model.add(tf.layers.dropout({ rate: spec.dropout, inputShape: [spec.inputDim], name: 'head_dropout' }));
  spec.hiddenUnits.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(spec.seed, 10, i) }),
        name: `head_dense_${i + 1}`,
      }),
    );
  });
  const binary = spec.numClasses === 2;
  model.add(
    tf.layers.dense({
      units: binary ? 1 : spec.numClasses,
      activation: binary ? 'sigmoid' : 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(spec.seed, 11) }),
      name: 'head_predictions',
    }),
  );
  return model;
}

/** scikit-learn's 'balanced': n / (numClasses × n_c); a class absent from the training rows gets weight 1. */
export function balancedClassWeights(labels: Int32Array, numClasses: number): Float32Array {
  const counts = new Array<number>(numClasses).fill(0);
  for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
  return Float32Array.from(counts, (n) => (n === 0 ? 1 : labels.length / (numClasses * n)));
}

function numClassesOf(model: tf.LayersModel): number {
  const units = model.outputs[0]?.shape[1] ?? 1;
  return units === 1 ? 2 : units;
}

/** Probabilities as n × numClasses rows (a sigmoid output p becomes [1 − p, p]). */
export function predictHead(model: tf.LayersModel, features: FeatureSet, batchSize = 256): Float32Array {
  const numClasses = numClassesOf(model);
  const out = new Float32Array(features.count * numClasses);
  const rows = features.views[0];
  if (!rows) throw new StudioError('INVALID_INPUT', 'expected at least one feature view, received none');
  for (let start = 0; start < features.count; start += batchSize) {
    const end = Math.min(features.count, start + batchSize);
    const values = tf.tidy(() => {
      const x = tf.tensor2d(rows.subarray(start * features.dim, end * features.dim), [end - start, features.dim]);
      return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    });
    out.set(values.length === end - start ? sigmoidToRows(values) : values, start * numClasses);
  }
  return out;
}

/**
 * Mean class-weighted cross-entropy (binary for one sigmoid column, categorical otherwise) on probabilities clipped
 * like Keras does. `y` holds 0/1 per row for a sigmoid output, one-hot rows otherwise.
 */
export function weightedCrossEntropy(probabilities: tf.Tensor2D, y: Float32Array, w: Float32Array): tf.Scalar {
  const [rows, columns] = probabilities.shape;
  const p = tf.clipByValue(probabilities, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
  const ys = tf.tensor2d(y, [rows, columns]);
  const perRow =
    columns === 1
      ? tf.neg(tf.add(tf.mul(ys, tf.log(p)), tf.mul(tf.sub(1, ys), tf.log(tf.sub(1, p))))).squeeze([1])
      : tf.neg(tf.sum(tf.mul(ys, tf.log(p)), 1));
  return tf.mean(tf.mul(perRow, tf.tensor1d(w))) as tf.Scalar;
}

export function sigmoidToRows(values: ArrayLike<number>): Float32Array {
  const rows = new Float32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    rows[i * 2] = 1 - (values[i] as number);
    rows[i * 2 + 1] = values[i] as number;
  }
  return rows;
}

/** One epoch's input rows: a seeded choice of view per photo, then a seeded order. */
export function sampleEpoch(data: LabeledFeatures, random: Random): { order: Int32Array; viewOf: Int32Array } {
  const { count, views } = data.features;
  const viewOf = new Int32Array(count);
  if (views.length > 1) for (let i = 0; i < count; i++) viewOf[i] = Math.floor(random() * views.length);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
  return { order, viewOf };
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Trains the head with Adam in a hand-written loop rather than `model.fit`: fit shuffles and draws dropout masks
 * with Math.random (and a seeded Dropout layer reuses one mask for every batch), so a seeded run could not be
 * repeated. Here the input dropout mask, the view choice and the batch order all come from the run's seed; the
 * Dropout layer stays in the topology (Keras parity) and is inert at inference. Cancellation is checked between
 * batches; an epoch is reported only once complete, so a cancel never leaves a half epoch behind.
 */
export async function trainHead(args: {
  model: tf.LayersModel;
  train: LabeledFeatures;
  validation?: LabeledFeatures | null;
  options: HeadTrainingOptions;
  ctx: JobContext;
  stage?: string;
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
}): Promise<EpochMetrics[]> {
  const { model, train, validation, options, ctx } = args;
  const stage = args.stage ?? 'train';
  const numClasses = numClassesOf(model);
  const binary = numClasses === 2;
  const { dim, count } = train.features;
  if (count === 0) throw new StudioError('INVALID_INPUT', 'expected labeled training photos, received none');
  if (train.labels.length !== count) {
    throw new StudioError('INVALID_INPUT', `expected ${count} labels, received ${train.labels.length}`);
  }
  const classWeights =
    options.classWeight === 'balanced' ? balancedClassWeights(train.labels, numClasses) : new Float32Array(numClasses).fill(1);
  const random = createRandom(deriveSeed(options.seed, 20));
  const keep = 1 - options.dropout;
  const optimizer = tf.train.adam(options.learningRate);
  const history: EpochMetrics[] = [];
  ctx.report({ stage, done: 0, total: options.epochs });
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const { order, viewOf } = sampleEpoch(train, random);
      const predicted = new Int32Array(count);
      const epochLabels = new Int32Array(count);
      let lossSum = 0;
      for (let start = 0; start < count; start += options.batchSize) {
        if (ctx.signal.aborted) throw new StudioError('CANCELLED', 'Cancelled');
        const size = Math.min(options.batchSize, count - start);
        const x = new Float32Array(size * dim);
        const y = new Float32Array(size * (binary ? 1 : numClasses));
        const w = new Float32Array(size);
        for (let i = 0; i < size; i++) {
          const row = order[start + i] as number;
          const view = train.features.views[viewOf[row] as number] as Float32Array;
          const label = train.labels[row] as number;
          for (let d = 0; d < dim; d++) {
            // Inverted dropout on the input features, mask from the seeded stream.
            x[i * dim + d] = random() < keep ? (view[row * dim + d] as number) / keep : 0;
          }
          if (binary) y[i] = label;
          else y[i * numClasses + label] = 1;
          w[i] = classWeights[label] as number;
          epochLabels[start + i] = label;
        }
        let batchProbabilities: tf.Tensor | null = null;
        const loss = optimizer.minimize(() => {
          const probabilities = model.apply(tf.tensor2d(x, [size, dim]), { training: false }) as tf.Tensor2D;
          batchProbabilities = tf.keep(probabilities.clone());
          return weightedCrossEntropy(probabilities, y, w);
        }, true);
        lossSum += (loss as tf.Scalar).dataSync()[0]! * size;
        loss?.dispose();
        const probs = batchProbabilities as tf.Tensor | null;
        if (probs) {
          const values = probs.dataSync();
          probs.dispose();
          predicted.set(predictClasses(binary ? sigmoidToRows(values) : values, numClasses), start);
        }
        await yieldToEventLoop();
      }
      if (ctx.signal.aborted) throw new StudioError('CANCELLED', 'Cancelled');
      let valLoss: number | null = null;
      let valAccuracy: number | null = null;
      if (validation && validation.features.count > 0) {
        const probabilities = predictHead(model, validation.features);
        valLoss = logLoss(validation.labels, probabilities, numClasses);
        valAccuracy = accuracy(validation.labels, predictClasses(probabilities, numClasses));
      }
      const metrics: EpochMetrics = { epoch, loss: lossSum / count, accuracy: accuracy(epochLabels, predicted), valLoss, valAccuracy };
      history.push(metrics);
      await args.onEpoch?.(metrics);
      ctx.report({ stage, done: epoch, total: options.epochs });
    }
  } finally {
    optimizer.dispose();
  }
  return history;
}
