// A live run's epochs as events bring them: appended in order, an epoch already read with the run not repeated.
import type { EpochRecord } from '../../../src-main/api/training-schemas.js';

const PHASE_ORDER = { head: 0, 'fine-tune': 1 } as const;

/** `epochs` with `added` merged in: one record per (phase, epoch), head epochs before fine-tuning ones. */
export function mergeEpochs(epochs: readonly EpochRecord[], added: readonly EpochRecord[]): EpochRecord[] {
  const byKey = new Map<string, EpochRecord>();
  for (const e of [...epochs, ...added]) byKey.set(`${e.phase}:${e.epoch}`, e);
  return [...byKey.values()].sort((a, b) => PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] || a.epoch - b.epoch);
}
