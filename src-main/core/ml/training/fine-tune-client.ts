// Runs fineTune in a worker thread so its synchronous kernels never block the caller's event loop; cancelling
// terminates the worker at once.
// sharp must be loaded by the main thread before any worker loads it (libvips initialisation).
import 'sharp';
import { ERROR_CODES, StudioError, type ErrorCode } from '../../../api/errors.js';
import type { JobContext } from '../../jobs/job-context.js';
import type { BackendName } from '../backbone/backend.js';
import type { FineTuneRequest } from './fine-tune.js';
import type { FineTuneWorkerData, FromFineTuneWorker } from './fine-tune-worker.js';
import type { EpochMetrics } from './head.js';
import { spawnWorker } from '../workers/spawn-worker.js';

/** The gradient backend for a run backend: wasm has no backprop kernels for (depthwise) convolutions. */
export function fineTuneTrainingBackend(runBackend: BackendName): BackendName {
  return runBackend === 'wasm' ? 'cpu' : runBackend;
}

export interface FineTuneResult {
  /** sources × numClasses, from the main head */
  probabilities: Float32Array;
  /** per request.folds entry */
  foldProbabilities: Float32Array[];
}

export function fineTuneInWorker(
  request: FineTuneRequest,
  backends: { prefix: BackendName; training: BackendName },
  ctx: JobContext,
  onEpoch: (metrics: EpochMetrics, fold: number | null) => void,
): Promise<FineTuneResult> {
  if (ctx.signal.aborted) return Promise.reject(new StudioError('CANCELLED', 'Cancelled'));
  const worker = spawnWorker('training/fine-tune-worker', { request, prefixBackend: backends.prefix, trainingBackend: backends.training } satisfies FineTuneWorkerData);
  return new Promise<FineTuneResult>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: { value: FineTuneResult } | { error: StudioError }) => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      if ('value' in outcome) resolve(outcome.value);
      else reject(outcome.error);
    };
    const onAbort = () => settle({ error: new StudioError('CANCELLED', 'Cancelled') });
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: FromFineTuneWorker) => {
      if (message.type === 'epoch') {
        try {
          onEpoch(message.metrics, message.fold);
        } catch (error) {
          settle({ error: error instanceof StudioError ? error : new StudioError('INTERNAL', String(error)) });
        }
      } else if (message.type === 'done') settle({ value: { probabilities: message.probabilities, foldProbabilities: message.foldProbabilities } });
      else {
        const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(message.code) ? (message.code as ErrorCode) : 'INTERNAL';
        settle({ error: new StudioError(code, message.message) });
      }
    });
    worker.on('error', (error) => settle({ error: new StudioError('INTERNAL', `Fine-tuning worker failed: ${error.message}`) }));
    worker.on('exit', (code) => settle({ error: new StudioError('INTERNAL', `Fine-tuning worker exited (code ${code}) before finishing`) }));
  });
}
