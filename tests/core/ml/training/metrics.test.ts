import { describe, expect, it } from 'vitest';
import { computeMetrics, logLoss, meanStd, predictClasses, rocAuc, wilsonInterval } from '../../../../src-main/core/ml/training/metrics.js';

describe('computeMetrics', () => {
  it('matches a hand-computed three-class example', () => {
    // labels:    0 0 1 1 2 2
    // predicted: 0 1 1 1 2 0
    const labels = [0, 0, 1, 1, 2, 2];
    const probabilities = [
      0.7, 0.2, 0.1, //
      0.3, 0.6, 0.1,
      0.1, 0.8, 0.1,
      0.2, 0.5, 0.3,
      0.1, 0.1, 0.8,
      0.5, 0.2, 0.3,
    ];
    const m = computeMetrics(labels, probabilities, 3);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    // class 0: precision 1/2, recall 1/2; class 1: precision 2/3, recall 1; class 2: precision 1, recall 1/2
    expect(m.perClass[0]).toMatchObject({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(m.perClass[1]!.precision).toBeCloseTo(2 / 3, 12);
    expect(m.perClass[1]!.f1).toBeCloseTo(0.8, 12);
    expect(m.perClass[2]!.f1).toBeCloseTo(2 / 3, 12);
    const expectedLoss = -(Math.log(0.7) + Math.log(0.3) + Math.log(0.8) + Math.log(0.5) + Math.log(0.8) + Math.log(0.3)) / 6;
    expect(m.logLoss).toBeCloseTo(expectedLoss, 6);
    expect(m.rocAuc).toBeNull();
  });

  it('uses the threshold for two classes and reports ROC AUC', () => {
    const labels = [0, 0, 1, 1];
    const p1 = [0.1, 0.4, 0.35, 0.8];
    const rows = p1.flatMap((p) => [1 - p, p]);
    expect(Array.from(predictClasses(rows, 2, 0.3))).toEqual([0, 1, 1, 1]);
    const m = computeMetrics(labels, rows, 2);
    expect(m.accuracy).toBe(0.75);
    // positives {0.35, 0.8} vs negatives {0.1, 0.4}: pairs won 1 + 2 = 3 of 4
    expect(m.rocAuc).toBe(0.75);
  });
});

describe('rocAuc', () => {
  it('counts ties as half and returns null without both classes', () => {
    expect(rocAuc([false, true, false, true], [0.5, 0.5, 0.2, 0.9])).toBe(0.875);
    expect(rocAuc([true, true], [0.1, 0.2])).toBeNull();
  });
});

describe('logLoss', () => {
  it('clips a probability of zero to a finite loss', () => {
    expect(logLoss([1], [1, 0], 2)).toBeCloseTo(-Math.log(1e-7), 6);
  });
});

describe('meanStd', () => {
  it('gives the population standard deviation', () => {
    expect(meanStd([0.9, 1.0, 0.8])).toEqual({ mean: expect.closeTo(0.9, 12), std: expect.closeTo(Math.sqrt(0.02 / 3), 12) });
  });
});

describe('wilsonInterval', () => {
  it('matches the textbook 95% Wilson score interval and stays inside [0, 1] at the extremes', () => {
    // Wilson (1927) / Newcombe (1998) table: 8 of 10 → 0.490–0.943; 0 of 10 → 0–0.278; 10 of 10 → 0.722–1
    const eight = wilsonInterval(8, 10);
    expect(eight.low).toBeCloseTo(0.4902, 3);
    expect(eight.high).toBeCloseTo(0.9433, 3);
    expect(wilsonInterval(0, 10)).toEqual({ low: expect.closeTo(0, 9), high: expect.closeTo(0.2775, 3) });
    expect(wilsonInterval(10, 10)).toEqual({ low: expect.closeTo(0.7225, 3), high: expect.closeTo(1, 9) });
    // narrower with more photos at the same accuracy
    const big = wilsonInterval(800, 1000);
    expect(big.high - big.low).toBeLessThan(eight.high - eight.low);
  });
});
