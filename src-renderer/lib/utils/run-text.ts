// How a run reads to people: its headline metric with n and interval, the kind of that metric, its key settings
// and what changed since the run before it. Shared by the Train and Runs views.
import type { RunDetail, RunMetrics, RunSummary } from '../../../src-main/api/training-schemas.js';

export type MetricKind = 'cross-validated' | 'validation-split' | 'folder';

/** What the run's accuracy counts; runs from before `evaluation` existed fall back on their k-fold record. */
export function metricKind(metrics: RunMetrics | null | undefined): MetricKind | null {
  if (!metrics) return null;
  const on = metrics.evaluation?.on;
  if (on === 'out-of-fold') return 'cross-validated';
  if (on) return on;
  return metrics.kfold ? 'cross-validated' : 'validation-split';
}

/** Short label for tables: "cross-validated", "single split" or "folder". */
export function metricKindShort(kind: MetricKind | null): string {
  return kind === null ? '–' : kind === 'validation-split' ? 'single split' : kind;
}

/** "cross-validated accuracy 0.975 (n = 327, 95% CI 0.952–0.988)"; without `evaluation` no n or interval. */
export function headlineMetric(metrics: RunMetrics | null | undefined): string {
  if (!metrics) return '';
  const kind = metricKind(metrics);
  const e = metrics.evaluation;
  const interval = e ? ` (n = ${e.n}, 95% CI ${e.low.toFixed(3)}–${e.high.toFixed(3)})` : '';
  return `${metrics.frozenHead ? 'fine-tuned: ' : ''}${kind} accuracy ${metrics.accuracy.toFixed(3)}${interval}`;
}

/**
 * A fine-tuned run (headline: the fine-tuned model): "frozen head: cross-validated accuracy 0.970 (n = 327, …)",
 * the same photos and folds without fine-tuning; '' for runs that did not fine-tune.
 */
export function frozenHeadMetric(metrics: RunMetrics | null | undefined): string {
  if (!metrics?.frozenHead) return '';
  const { frozenHead: f, ...rest } = metrics;
  return `frozen head: ${headlineMetric({ ...rest, accuracy: f.accuracy, evaluation: f.evaluation, kfold: f.kfold })}`;
}

/** "epochs 20 → 40, k-fold 5 folds → 0 folds", "defaults" for a first run, "same settings" otherwise. */
export function changeText(run: Pick<RunSummary, 'previousRunId' | 'changes'>): string {
  if (run.changes.length) return run.changes.map((c) => `${c.label.toLowerCase()} ${c.from} → ${c.to}`).join(', ');
  return run.previousRunId === null ? 'defaults' : 'same settings';
}

/** The settings that most change a run's numbers, compact: "20 epochs · 5-fold · 288 px · α 1 · no fine-tune". */
export function keySettings(run: Pick<RunDetail, 'config'>): string {
  const c = run.config;
  const num = (key: string): number | null => (typeof c[key] === 'number' ? (c[key] as number) : null);
  const kfold = num('kfold');
  const layers = num('fineTuneLayers') ?? 0;
  const fineEpochs = num('fineTuneEpochs') ?? 0;
  return [
    num('epochs') === null ? null : `${num('epochs')} epochs`,
    kfold === null ? null : kfold >= 2 ? `${kfold}-fold` : 'single split',
    num('inputSize') === null ? null : `${num('inputSize')} px`,
    num('alpha') === null ? null : `α ${num('alpha')}`,
    layers > 0 && fineEpochs > 0 ? `fine-tune ${layers} layers × ${fineEpochs} epochs` : 'no fine-tune',
  ]
    .filter(Boolean)
    .join(' · ');
}

export interface AccuracyChange {
  /** "cross-validated accuracy 0.912 → 0.945 (+0.033) since run #3", or why the two are not compared */
  text: string;
  /** null when the runs measured different things (or there is no earlier result) */
  delta: number | null;
}

/**
 * This run's accuracy against the run before it, with both numbers. Runs whose accuracy counts different things
 * (cross-validated vs one validation split) are not subtracted: the text says so and gives both.
 */
export function accuracyChange(run: Pick<RunDetail, 'id' | 'metrics'>, previous: Pick<RunDetail, 'id' | 'metrics'> | null): AccuracyChange | null {
  if (!run.metrics) return null;
  if (!previous?.metrics) return { text: 'No earlier run to compare with yet', delta: null };
  const kind = metricKind(run.metrics);
  const before = metricKind(previous.metrics);
  const now = run.metrics.accuracy;
  const then = previous.metrics.accuracy;
  if (kind !== before) {
    return {
      text: `Not compared with run #${previous.id}: it measured ${metricKindShort(before)} accuracy (${then.toFixed(3)}), this run ${metricKindShort(kind)} accuracy (${now.toFixed(3)})`,
      delta: null,
    };
  }
  const delta = now - then;
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  return { text: `${kind} accuracy ${then.toFixed(3)} → ${now.toFixed(3)} (${sign}${Math.abs(delta).toFixed(3)}) since run #${previous.id}`, delta };
}

/** Photos the run's evaluation got wrong: the confusion matrix off its diagonal. */
export function misclassifiedCount(metrics: RunMetrics | null | undefined): number {
  if (!metrics) return 0;
  return metrics.confusion.reduce((sum, row, i) => sum + row.reduce((s, n, j) => (i === j ? s : s + n), 0), 0);
}
