// How a run reads to people: the headline metric with its kind, n and interval; key settings; changes.
import { describe, expect, it } from 'vitest';
import type { RunMetrics } from '../../../../src-main/api/training-schemas.js';
import { accuracyChange, changeText, frozenHeadMetric, headlineMetric, keySettings, metricKind, metricKindShort, misclassifiedCount } from '../../../../src-renderer/lib/utils/run-text.js';

function metrics(patch: Partial<RunMetrics>): RunMetrics {
  return { accuracy: 0.975, loss: 0.1, perClass: [], confusion: [], classIds: [], rocAuc: null, kfold: null, ...patch };
}

describe('headlineMetric', () => {
  it('names an out-of-fold accuracy cross-validated, with n and the 95% interval to three decimals', () => {
    const m = metrics({ evaluation: { on: 'out-of-fold', n: 327, low: 0.95213, high: 0.98799 } });
    expect(headlineMetric(m)).toBe('cross-validated accuracy 0.975 (n = 327, 95% CI 0.952–0.988)');
  });

  it('names a held-out split validation-split accuracy', () => {
    const m = metrics({ accuracy: 0.8333, evaluation: { on: 'validation-split', n: 66, low: 0.726, high: 0.904 } });
    expect(headlineMetric(m)).toBe('validation-split accuracy 0.833 (n = 66, 95% CI 0.726–0.904)');
  });

  it('falls back on the k-fold record for runs stored before the evaluation field, without n or interval', () => {
    expect(headlineMetric(metrics({ kfold: { k: 5, accuracies: [], mean: 0.9, std: 0.01 } }))).toBe('cross-validated accuracy 0.975');
    expect(headlineMetric(metrics({}))).toBe('validation-split accuracy 0.975');
    expect(headlineMetric(null)).toBe('');
  });
});

describe('frozenHeadMetric', () => {
  it('shows a fine-tuned run\'s frozen-head result beside its fine-tuned headline, and nothing for other runs', () => {
    const m = metrics({
      evaluation: { on: 'out-of-fold', n: 327, low: 0.95213, high: 0.98799 },
      frozenHead: { accuracy: 0.9694, evaluation: { on: 'out-of-fold', n: 327, low: 0.9446, high: 0.9834 }, kfold: null },
    });
    expect(headlineMetric(m)).toBe('fine-tuned: cross-validated accuracy 0.975 (n = 327, 95% CI 0.952–0.988)');
    expect(frozenHeadMetric(m)).toBe('frozen head: cross-validated accuracy 0.969 (n = 327, 95% CI 0.945–0.983)');
    expect(frozenHeadMetric(metrics({}))).toBe('');
  });
});

describe('metricKindShort', () => {
  it('calls a validation split a single split, for the runs table', () => {
    expect(metricKindShort(metricKind(metrics({ evaluation: { on: 'validation-split', n: 1, low: 0, high: 1 } })))).toBe('single split');
    expect(metricKindShort(metricKind(metrics({ evaluation: { on: 'out-of-fold', n: 1, low: 0, high: 1 } })))).toBe('cross-validated');
    expect(metricKindShort(metricKind(null))).toBe('–');
  });
});

describe('keySettings', () => {
  it('lists epochs, folds, input size, alpha and fine-tuning compactly', () => {
    expect(keySettings({ config: { epochs: 20, kfold: 5, inputSize: 288, alpha: 1, fineTuneLayers: 0, fineTuneEpochs: 0 } })).toBe('20 epochs · 5-fold · 288 px · α 1 · no fine-tune');
    expect(keySettings({ config: { epochs: 10, kfold: 0, inputSize: 224, alpha: 0.35, fineTuneLayers: 5, fineTuneEpochs: 3 } })).toBe(
      '10 epochs · single split · 224 px · α 0.35 · fine-tune 5 layers × 3 epochs',
    );
  });

  it('leaves out what an older run did not store', () => {
    expect(keySettings({ config: { epochs: 20 } })).toBe('20 epochs · no fine-tune');
  });
});

describe('changeText', () => {
  it('lists the changes, or says defaults for a first run and same settings otherwise', () => {
    expect(changeText({ previousRunId: 7, changes: [{ key: 'epochs', label: 'Epochs', from: '20', to: '40' }] })).toBe('epochs 20 → 40');
    expect(changeText({ previousRunId: null, changes: [] })).toBe('defaults');
    expect(changeText({ previousRunId: 7, changes: [] })).toBe('same settings');
  });
});

describe('accuracyChange', () => {
  const oof = (accuracy: number) => metrics({ accuracy, evaluation: { on: 'out-of-fold', n: 100, low: 0, high: 1 } });
  const split = (accuracy: number) => metrics({ accuracy, evaluation: { on: 'validation-split', n: 20, low: 0, high: 1 } });

  it('gives both numbers and the signed change since the run before, of the same kind', () => {
    expect(accuracyChange({ id: 4, metrics: oof(0.945) }, { id: 3, metrics: oof(0.912) })).toEqual({ text: 'cross-validated accuracy 0.912 → 0.945 (+0.033) since run #3', delta: expect.closeTo(0.033, 6) });
    expect(accuracyChange({ id: 4, metrics: oof(0.9) }, { id: 3, metrics: oof(0.95) })?.text).toBe('cross-validated accuracy 0.950 → 0.900 (−0.050) since run #3');
    expect(accuracyChange({ id: 4, metrics: oof(0.9) }, { id: 3, metrics: oof(0.9) })?.text).toContain('(±0.000)');
  });

  it('does not subtract a cross-validated accuracy from a single split one, and says so with both numbers', () => {
    const change = accuracyChange({ id: 5, metrics: split(0.95) }, { id: 4, metrics: oof(0.9) });
    expect(change).toEqual({ text: 'Not compared with run #4: it measured cross-validated accuracy (0.900), this run single split accuracy (0.950)', delta: null });
  });

  it('says there is nothing to compare with for a first run, and nothing for a run without a result', () => {
    expect(accuracyChange({ id: 1, metrics: oof(0.9) }, null)).toEqual({ text: 'No earlier run to compare with yet', delta: null });
    expect(accuracyChange({ id: 2, metrics: null }, { id: 1, metrics: oof(0.9) })).toBeNull();
  });
});

describe('misclassifiedCount', () => {
  it('counts the confusion matrix off its diagonal', () => {
    expect(misclassifiedCount(metrics({ confusion: [[50, 3], [2, 45]] }))).toBe(5);
    expect(misclassifiedCount(metrics({ confusion: [[10, 0, 1], [0, 9, 0], [4, 0, 7]] }))).toBe(5);
    expect(misclassifiedCount(null)).toBe(0);
  });
});
