// What every long job receives: a cancellation signal and a progress reporter that adds rate and ETA and throttles.
import { StudioError } from '../../api/errors.js';

export interface Progress {
  stage: string;
  done: number;
  total: number;
  /** items per second since the stage started */
  ratePerSec: number;
  /** seconds left at the current rate, null while unknown */
  etaSec: number | null;
  message?: string;
}

export type ProgressListener = (progress: Progress) => void;

export interface JobContext {
  signal: AbortSignal;
  report(update: { stage: string; done: number; total: number; message?: string }): void;
}

const REPORT_INTERVAL_MS = 250;

export function createJobContext(options: {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  now?: () => number;
}): JobContext {
  const now = options.now ?? (() => performance.now());
  const signal = options.signal ?? new AbortController().signal;
  let stage = '';
  let stageStartedAt = 0;
  let lastSentAt = -Infinity;
  let lastDone = 0;

  return {
    signal,
    report({ stage: nextStage, done, total, message }) {
      const t = now();
      // a count that goes back is a new pass of the same stage (e.g. the mirror view after the plain one): its rate
      // is its own, not the passes' total over the stage's whole time
      if (nextStage !== stage || done < lastDone) {
        stage = nextStage;
        stageStartedAt = t;
        lastSentAt = -Infinity;
      }
      lastDone = done;
      const finished = done >= total;
      if (!finished && done !== 0 && t - lastSentAt < REPORT_INTERVAL_MS) return;
      lastSentAt = t;
      const elapsedSec = (t - stageStartedAt) / 1000;
      const ratePerSec = elapsedSec > 0 ? done / elapsedSec : 0;
      const etaSec = ratePerSec > 0 && total >= done ? (total - done) / ratePerSec : null;
      options.onProgress?.({ stage, done, total, ratePerSec, etaSec, ...(message ? { message } : {}) });
    },
  };
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new StudioError('CANCELLED', 'Cancelled');
}
