// The classifier head on pooled backbone features: build, train (seeded, cancellable, per-epoch metrics), predict.
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { JobContext } from '../../jobs/job-context.js';
import { accuracy, logLoss, predictClasses } from './metrics.js';
import { createRandom, deriveSeed } from '../features/seeded-random.js';
import { linearStep, type LinearState } from './linear-adam.js';
import { PROBABILITY_EPSILON, runTrainingLoop, sigmoidToRows, type BatchResult, type EpochMetrics } from './training-loop.js';

export { balancedClassWeights, sigmoidToRows, yieldToEventLoop, type EpochMetrics } from './training-loop.js';

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
  /** L2 penalty on the dense kernels, added to the mean loss as l2 · Σw² (0 or absent = none) */
  l2?: number;
}



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

/** l2 · Σ w² over the dense kernels (biases are not penalised, as in scikit-learn's LogisticRegression). */
export function l2Penalty(model: tf.LayersModel, l2: number): tf.Scalar {
  const kernels = model.layers.filter((l) => l.getClassName() === 'Dense').map((l) => l.getWeights()[0] as tf.Tensor);
  return tf.mul(l2, tf.addN(kernels.map((k) => tf.sum(tf.square(k))))) as tf.Scalar;
}


/** A tfjs step through the whole head (hidden layers), Adam from tfjs. */
function tfjsStep(model: tf.LayersModel, optimizer: tf.Optimizer, x: Float32Array, size: number, dim: number, y: Float32Array, w: Float32Array, l2: number): BatchResult {
  let batchProbabilities: tf.Tensor | null = null;
  const loss = optimizer.minimize(() => {
    const probabilities = model.apply(tf.tensor2d(x, [size, dim]), { training: false }) as tf.Tensor2D;
    batchProbabilities = tf.keep(probabilities.clone());
    const loss = weightedCrossEntropy(probabilities, y, w);
    return l2 ? tf.add(loss, l2Penalty(model, l2)) : loss;
  }, true);
  const value = (loss as tf.Scalar).dataSync()[0]!;
  loss?.dispose();
  const probs = batchProbabilities as tf.Tensor | null;
  const values = probs ? (probs.dataSync() as Float32Array) : new Float32Array(size);
  probs?.dispose();
  return { loss: value, probabilities: values.length === size ? sigmoidToRows(values) : values };
}

/**
 * Trains the head with Adam on the shared training loop rather than `model.fit`: fit shuffles and draws dropout
 * masks with Math.random (and a seeded Dropout layer reuses one mask for every batch), so a seeded run could not be
 * repeated. Here the input dropout mask, the view choice and the batch order all come from the run's seed; the
 * Dropout layer stays in the topology (Keras parity) and is inert at inference. A head without hidden layers is
 * trained in plain JS (linearStep) and its weights written back into the model after each epoch.
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
  const { dim, count, views } = train.features;
  if (train.labels.length !== count) {
    throw new StudioError('INVALID_INPUT', `expected ${count} labels, received ${train.labels.length}`);
  }
  const random = createRandom(deriveSeed(options.seed, 20));
  const keep = 1 - options.dropout;
  const l2 = options.l2 ?? 0;
  const dense = model.layers.filter((l) => l.getClassName() === 'Dense');
  const linear = dense.length === 1;
  const weights = linear ? (dense[0]!.getWeights().map((t) => t.dataSync().slice()) as Float32Array[]) : [];
  const state: LinearState | null = linear
    ? { kernel: weights[0]!, bias: weights[1]!, m: new Float32Array(weights[0]!.length + weights[1]!.length), v: new Float32Array(weights[0]!.length + weights[1]!.length), step: 0 }
    : null;
  const writeBack = () => {
    if (!state) return;
    const tensors = [tf.tensor2d(state.kernel, [dim, state.bias.length]), tf.tensor1d(state.bias)];
    dense[0]!.setWeights(tensors);
    tf.dispose(tensors);
  };
  const optimizer = linear ? null : tf.train.adam(options.learningRate);
  const viewOf = new Int32Array(count);
  ctx.report({ stage, done: 0, total: options.epochs });
  try {
    return await runTrainingLoop({
      labels: train.labels,
      numClasses,
      epochs: options.epochs,
      batchSize: options.batchSize,
      classWeight: options.classWeight,
      random,
      isCancelled: () => ctx.signal.aborted,
      beginEpoch: () => {
        if (views.length > 1) for (let i = 0; i < count; i++) viewOf[i] = Math.floor(random() * views.length);
      },
      step: ({ rows, y, w }) => {
        const size = rows.length;
        const x = new Float32Array(size * dim);
        for (let i = 0; i < size; i++) {
          const row = rows[i] as number;
          const view = views[viewOf[row] as number] as Float32Array;
          // Inverted dropout on the input features, mask from the seeded stream.
          for (let d = 0; d < dim; d++) x[i * dim + d] = random() < keep ? (view[row * dim + d] as number) / keep : 0;
        }
        return state ? linearStep(state, x, size, dim, y, w, options.learningRate, l2) : tfjsStep(model, optimizer!, x, size, dim, y, w, l2);
      },
      validate: () => {
        writeBack();
        if (!validation || validation.features.count === 0) return null;
        const probabilities = predictHead(model, validation.features);
        return { valLoss: logLoss(validation.labels, probabilities, numClasses), valAccuracy: accuracy(validation.labels, predictClasses(probabilities, numClasses)) };
      },
      onEpoch: async (metrics) => {
        await args.onEpoch?.(metrics);
        ctx.report({ stage, done: metrics.epoch, total: options.epochs });
      },
    });
  } finally {
    optimizer?.dispose();
  }
}
