// Live epochs from events merged with the run read once: in order, none twice.
import { describe, expect, it } from 'vitest';
import type { EpochRecord } from '../../../../src-main/api/training-schemas.js';
import { mergeEpochs } from '../../../../src-renderer/lib/utils/epochs.js';

const epoch = (phase: EpochRecord['phase'], n: number, loss = 1 / n): EpochRecord => ({ phase, epoch: n, loss, accuracy: 0.5, valLoss: null, valAccuracy: null });

describe('mergeEpochs', () => {
  it('appends new epochs and keeps one record per phase and epoch (the later one)', () => {
    const read = [epoch('head', 1), epoch('head', 2)];
    const merged = mergeEpochs(read, [epoch('head', 2, 0.42), epoch('head', 3)]);
    expect(merged.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(merged[1]?.loss).toBe(0.42);
  });

  it('orders head epochs before fine-tuning ones whatever the arrival order', () => {
    const merged = mergeEpochs([epoch('fine-tune', 1)], [epoch('head', 2), epoch('head', 1)]);
    expect(merged.map((e) => `${e.phase}:${e.epoch}`)).toEqual(['head:1', 'head:2', 'fine-tune:1']);
  });
});
