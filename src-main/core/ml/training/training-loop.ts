// The one mini-batch training loop shared by the head and by fine-tuning: class weights, seeded batch order,
// one-hot / 0-1 targets, cancellation between batches, and per-epoch loss, accuracy and validation metrics.
// What a batch does (forward, gradients, Adam) is the caller's `step`.
import { StudioError } from '../../../api/errors.js';
import { accuracy, predictClasses } from './metrics.js';
import type { Random } from '../features/seeded-random.js';

export interface EpochMetrics {
  /** 1-based */
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
}

export interface TrainingBatch {
  /** indices into the loop's `labels` */
  rows: Int32Array;
  /** 0/1 per row for two classes (one sigmoid output), one-hot rows otherwise */
  y: Float32Array;
  /** class weight per row */
  w: Float32Array;
}

export interface BatchResult {
  /** the batch's mean weighted loss */
  loss: number;
  /** rows × numClasses (two classes: [1 − p, p]) */
  probabilities: Float32Array;
}

/** Probabilities are clipped to [ε, 1 − ε] in the loss, as Keras does. */
export const PROBABILITY_EPSILON = 1e-7;

/** Two-class probabilities as rows: a sigmoid output p becomes [1 − p, p]. */
export function sigmoidToRows(values: ArrayLike<number>): Float32Array {
  const rows = new Float32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    rows[i * 2] = 1 - (values[i] as number);
    rows[i * 2 + 1] = values[i] as number;
  }
  return rows;
}

/** scikit-learn's 'balanced': n / (numClasses × n_c); a class absent from the training rows gets weight 1. */
export function balancedClassWeights(labels: Int32Array, numClasses: number): Float32Array {
  const counts = new Array<number>(numClasses).fill(0);
  for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
  return Float32Array.from(counts, (n) => (n === 0 ? 1 : labels.length / (numClasses * n)));
}

export function shuffledOrder(count: number, random: Random): Int32Array {
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
  return order;
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs `epochs` epochs over `labels` in seeded order. An epoch is reported only once complete, so a cancel never
 * leaves a half epoch behind.
 */
export async function runTrainingLoop(args: {
  labels: Int32Array;
  numClasses: number;
  epochs: number;
  batchSize: number;
  classWeight: 'none' | 'balanced';
  random: Random;
  isCancelled: () => boolean;
  /** called once per epoch before its batches (e.g. to draw each row's augmented view) */
  beginEpoch?: () => void;
  step: (batch: TrainingBatch) => BatchResult | Promise<BatchResult>;
  validate?: () => { valLoss: number; valAccuracy: number } | null;
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
}): Promise<EpochMetrics[]> {
  const { labels, numClasses, batchSize } = args;
  const count = labels.length;
  if (count === 0) throw new StudioError('INVALID_INPUT', 'expected labeled training photos, received none');
  const binary = numClasses === 2;
  const classWeights = args.classWeight === 'balanced' ? balancedClassWeights(labels, numClasses) : new Float32Array(numClasses).fill(1);
  const history: EpochMetrics[] = [];
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    args.beginEpoch?.();
    const order = shuffledOrder(count, args.random);
    const predicted = new Int32Array(count);
    const seen = new Int32Array(count);
    let lossSum = 0;
    for (let start = 0; start < count; start += batchSize) {
      if (args.isCancelled()) throw new StudioError('CANCELLED', 'Cancelled');
      const rows = order.subarray(start, Math.min(count, start + batchSize));
      const size = rows.length;
      const y = new Float32Array(size * (binary ? 1 : numClasses));
      const w = new Float32Array(size);
      rows.forEach((row, i) => {
        const label = labels[row] as number;
        if (binary) y[i] = label;
        else y[i * numClasses + label] = 1;
        w[i] = classWeights[label] as number;
        seen[start + i] = label;
      });
      const result = await args.step({ rows, y, w });
      lossSum += result.loss * size;
      predicted.set(predictClasses(result.probabilities, numClasses), start);
      await yieldToEventLoop();
    }
    if (args.isCancelled()) throw new StudioError('CANCELLED', 'Cancelled');
    const validation = args.validate?.() ?? null;
    const metrics: EpochMetrics = {
      epoch,
      loss: lossSum / count,
      accuracy: accuracy(seen, predicted),
      valLoss: validation?.valLoss ?? null,
      valAccuracy: validation?.valAccuracy ?? null,
    };
    history.push(metrics);
    await args.onEpoch?.(metrics);
  }
  return history;
}
