// Worker thread running one fine-tuning job: the frozen prefix on the run's backend, training on a backend that has
// the gradient kernels (checked first, with a clear error), epochs and the result posted back.
import { parentPort, workerData } from 'node:worker_threads';
import { toStudioError } from '../../../api/errors.js';
import { selectBackend, type BackendName } from '../backbone/backend.js';
import { fineTune, type FineTuneRequest } from './fine-tune.js';
import { checkFineTuneSupport } from './fine-tune-support.js';
import type { EpochMetrics } from './head.js';

export interface FineTuneWorkerData {
  request: FineTuneRequest;
  prefixBackend: BackendName;
  trainingBackend: BackendName;
}

export type FromFineTuneWorker =
  | { type: 'epoch'; metrics: EpochMetrics; fold: number | null }
  | { type: 'done'; probabilities: Float32Array; foldProbabilities: Float32Array[] }
  | { type: 'error'; code: string; message: string };

const port = parentPort;
if (!port) throw new Error('fine-tune-worker.ts must run in a worker thread');
const data = workerData as FineTuneWorkerData;

try {
  // Fail before the long prefix pass when the training backend cannot compute the gradients.
  const training = await selectBackend(data.trainingBackend);
  checkFineTuneSupport(training.tf, training.name, data.request.lastN);
  await selectBackend(data.prefixBackend);
  const outcome = await fineTune(data.request, {
    onEpoch: (metrics, fold) => port.postMessage({ type: 'epoch', metrics, fold } satisfies FromFineTuneWorker),
    beforeTraining: async () => {
      await selectBackend(data.trainingBackend);
    },
  });
  port.postMessage({ type: 'done', probabilities: outcome.probabilities, foldProbabilities: outcome.foldProbabilities } satisfies FromFineTuneWorker, [
    outcome.probabilities.buffer as ArrayBuffer,
    ...outcome.foldProbabilities.map((p) => p.buffer as ArrayBuffer),
  ]);
} catch (error) {
  const studioError = toStudioError(error);
  port.postMessage({ type: 'error', code: studioError.code, message: studioError.message } satisfies FromFineTuneWorker);
}
