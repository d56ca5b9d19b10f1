// Classification metrics on class indices and probability rows: accuracy, per-class precision/recall/F1,
// confusion matrix, ROC AUC (two classes), log loss. Plain arrays in, plain JSON-able objects out.
import { StudioError } from '../../../api/errors.js';

/** Probabilities clipped like Keras' backend epsilon, so one confident mistake gives a large but finite loss. */
export const LOG_LOSS_EPSILON = 1e-7;

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** photos whose label is this class */
  support: number;
}

export interface ClassificationMetrics {
  count: number;
  accuracy: number;
  logLoss: number;
  perClass: ClassMetrics[];
  /** confusion[label][predicted] */
  confusion: number[][];
  /** two classes only: AUC of the second class's probability; null with one class or one-sided labels */
  rocAuc: number | null;
}

function checkShape(labels: ArrayLike<number>, probabilities: ArrayLike<number>, numClasses: number): void {
  if (probabilities.length !== labels.length * numClasses) {
    throw new StudioError(
      'INVALID_INPUT',
      `expected ${labels.length} × ${numClasses} probabilities, received ${probabilities.length} values`,
    );
  }
}

/**
 * The predicted class per row: argmax (ties → lowest index). With two classes and a threshold, the second class
 * wins when its probability is ≥ threshold.
 */
export function predictClasses(probabilities: ArrayLike<number>, numClasses: number, threshold?: number): Int32Array {
  const n = probabilities.length / numClasses;
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (numClasses === 2 && threshold !== undefined) {
      predicted[i] = (probabilities[i * 2 + 1] as number) >= threshold ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let c = 1; c < numClasses; c++) {
      if ((probabilities[i * numClasses + c] as number) > (probabilities[i * numClasses + best] as number)) best = c;
    }
    predicted[i] = best;
  }
  return predicted;
}

export function accuracy(labels: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (labels.length === 0) return 0;
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predicted[i]) right++;
  return right / labels.length;
}

export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): number[][] {
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const row = matrix[labels[i] as number];
    if (row) row[predicted[i] as number] = (row[predicted[i] as number] ?? 0) + 1;
  }
  return matrix;
}

export function perClassMetrics(confusion: number[][]): ClassMetrics[] {
  return confusion.map((row, c) => {
    const truePositives = row[c] ?? 0;
    const support = row.reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((n, r) => n + (r[c] ?? 0), 0);
    // No predictions (or no labels) of a class → 0, as scikit-learn's zero_division=0.
    const precision = predictedCount === 0 ? 0 : truePositives / predictedCount;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support };
  });
}

/** Mean categorical cross-entropy of the labelled class's probability. */
export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>, numClasses: number): number {
  checkShape(labels, probabilities, numClasses);
  if (labels.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i * numClasses + (labels[i] as number)] as number;
    sum -= Math.log(Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p)));
  }
  return sum / labels.length;
}

/**
 * ROC AUC by ranks (Mann–Whitney U): the chance that a random positive scores above a random negative, ties
 * counting one half. `positives[i]` is true for the positive class. Null when either side is empty.
 */
export function rocAuc(positives: ArrayLike<boolean>, scores: ArrayLike<number>): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1] as number] === scores[order[start] as number]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let j = start; j <= end; j++) ranks[order[j] as number] = averageRank;
    start = end + 1;
  }
  let positiveCount = 0;
  let positiveRankSum = 0;
  for (let i = 0; i < n; i++) {
    if (positives[i]) {
      positiveCount++;
      positiveRankSum += ranks[i] as number;
    }
  }
  const negativeCount = n - positiveCount;
  if (positiveCount === 0 || negativeCount === 0) return null;
  return (positiveRankSum - (positiveCount * (positiveCount + 1)) / 2) / (positiveCount * negativeCount);
}

export function computeMetrics(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  numClasses: number,
  options: { threshold?: number } = {},
): ClassificationMetrics {
  checkShape(labels, probabilities, numClasses);
  const predicted = predictClasses(probabilities, numClasses, options.threshold);
  const confusion = confusionMatrix(labels, predicted, numClasses);
  let auc: number | null = null;
  if (numClasses === 2) {
    const positives = Array.from(labels, (l) => l === 1);
    const scores = Array.from({ length: labels.length }, (_, i) => probabilities[i * 2 + 1] as number);
    auc = rocAuc(positives, scores);
  }
  return {
    count: labels.length,
    accuracy: accuracy(labels, predicted),
    logLoss: logLoss(labels, probabilities, numClasses),
    perClass: perClassMetrics(confusion),
    confusion,
    rocAuc: auc,
  };
}

/** z of the two-sided 95% normal interval. */
const Z_95 = 1.959963984540054;

/**
 * Wilson score interval of a proportion (successes of n), 95%. Unlike the normal (Wald) interval it stays inside
 * [0, 1] and keeps its coverage near 0 and 1, where classifier accuracies live; it is closed-form and deterministic.
 */
export function wilsonInterval(successes: number, n: number, z = Z_95): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Mean and (population) standard deviation, e.g. of accuracy across folds. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: 0, std: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}
