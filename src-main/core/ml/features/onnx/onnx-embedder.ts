// An Embedder running the backbone's ONNX graph in ONNX Runtime, in one worker thread: batches are decoded here (by
// sharp's threads) while the previous batch runs there; cancellable between batches, with progress.
import type { Worker } from 'node:worker_threads';
import { ERROR_CODES, StudioError, type ErrorCode } from '../../../../api/errors.js';
import { throwIfCancelled } from '../../../jobs/job-context.js';
import type { Tf } from '../../backbone/backend.js';
import type { BackboneConfig } from '../../backbone/backbone.js';
import type { EmbedItem, EmbedOptions, Embedder } from '../embed.js';
import { preprocessPhoto, preprocessingSpec, type PreprocessingSpec } from '../preprocess.js';
import { ensureBackboneOnnx } from './backbone-onnx-file.js';
import { spawnWorker } from '../../workers/spawn-worker.js';
import type { FromSessionWorker, OnnxSessionWorkerData, ToSessionWorker } from './onnx-session-worker.js';

/** The batch of the plain ONNX Runtime baseline in issue 11; at 224 px one batch of pixels is 19 MB. */
export const ONNX_EMBED_BATCH = 32;

/** One forward pass: [count, size, size, 3] pixels in, [count, dims] pooled features out. */
export type ForwardPass = (pixels: Float32Array, count: number) => Promise<Float32Array>;

/** Runs `forward` over `items`: preprocessing of batch k+1 starts before batch k is run. */
export async function embedInBatches(
  forward: ForwardPass,
  spec: PreprocessingSpec,
  dims: number,
  items: readonly EmbedItem[],
  options: EmbedOptions & { batchSize?: number } = {},
): Promise<Float32Array> {
  const batchSize = options.batchSize ?? ONNX_EMBED_BATCH;
  const size = spec.resize.sizePx;
  const perImage = size * size * 3;
  const out = new Float32Array(items.length * dims);
  const prepare = async (start: number): Promise<Float32Array> => {
    const batch = items.slice(start, start + batchSize);
    const pixels = new Float32Array(batch.length * perImage);
    await Promise.all(
      batch.map(async (item, i) => {
        const input = await preprocessPhoto(item.source, spec, item.view);
        pixels.set(input, i * perImage);
      }),
    );
    return pixels;
  };
  let next: Promise<Float32Array> | null = items.length > 0 ? prepare(0) : null;
  for (let start = 0; start < items.length; start += batchSize) {
    if (options.signal) throwIfCancelled(options.signal);
    const pixels = await next!;
    next = start + batchSize < items.length ? prepare(start + batchSize) : null;
    // Avoid an unhandled rejection if we stop before awaiting the prefetch.
    next?.catch(() => undefined);
    const count = pixels.length / perImage;
    const features = await forward(pixels, count);
    if (features.length !== count * dims) {
      throw new StudioError('INTERNAL', `ONNX Runtime: expected ${count}×${dims} features, received ${features.length} values`);
    }
    out.set(features, start * dims);
    options.onProgress?.(Math.min(start + batchSize, items.length));
  }
  return out;
}

function toErrorCode(code: string): ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'INTERNAL';
}

/** The session in a worker thread: resolves once it is open, with the worker's description of the engine. */
async function startSessionWorker(data: OnnxSessionWorkerData): Promise<{ worker: Worker; engine: string }> {
  const worker = spawnWorker('features/onnx/onnx-session-worker', data);
  return new Promise((resolve, reject) => {
    const fail = (error: StudioError) => {
      cleanup();
      void worker.terminate();
      reject(error);
    };
    const onMessage = (message: FromSessionWorker) => {
      if (message.type === 'ready') {
        cleanup();
        resolve({ worker, engine: message.engine });
      } else if (message.type === 'error') {
        fail(new StudioError(toErrorCode(message.code), message.message));
      }
    };
    const onError = (error: Error) => fail(new StudioError('UNAVAILABLE', `ONNX Runtime worker failed to start: ${error.message}`));
    const onExit = (code: number) => fail(new StudioError('UNAVAILABLE', `ONNX Runtime worker stopped while starting (exit code ${code})`));
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** Forward passes on the worker, one at a time; a crash rejects what is pending. */
function workerForward(worker: Worker): ForwardPass {
  let nextId = 0;
  const pending = new Map<number, { resolve: (f: Float32Array) => void; reject: (e: StudioError) => void }>();
  const rejectAll = (error: StudioError) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (message: FromSessionWorker) => {
    if (message.type === 'ready' || message.id === null) return;
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (message.type === 'result') waiting?.resolve(message.features);
    else waiting?.reject(new StudioError(toErrorCode(message.code), message.message));
  });
  worker.on('error', (error) => rejectAll(new StudioError('INTERNAL', `The ONNX Runtime worker crashed: ${error.message}`)));
  worker.on('exit', (code) => rejectAll(new StudioError('INTERNAL', `The ONNX Runtime worker stopped (exit code ${code})`)));
  return (pixels, count) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'run', id, pixels, count } satisfies ToSessionWorker, [pixels.buffer as ArrayBuffer]);
    });
}

export interface OnnxEmbedder extends Embedder {
  /** e.g. 'cpu execution provider, 2 intra-op threads', as the worker's session reports it */
  engine: string;
}

/** Builds or reuses the cached graph (folding with `tf`), then opens one session in a worker for all calls. */
export async function createOnnxEmbedder(tf: Tf, config: BackboneConfig, options: { batchSize?: number } = {}): Promise<OnnxEmbedder> {
  const graph = await ensureBackboneOnnx(tf, config);
  const { worker, engine } = await startSessionWorker({ model: graph.model, inputSize: config.inputSize });
  const forward = workerForward(worker);
  const spec = preprocessingSpec(config.inputSize, config.resize);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    backboneId: graph.backboneId,
    inputSize: config.inputSize,
    dims: graph.dims,
    spec,
    engine,
    embed(items, embedOptions = {}) {
      // One call at a time, like the worker pool.
      const result = queue.then(() => embedInBatches(forward, spec, graph.dims, items, { ...embedOptions, ...options }));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      await queue;
      await worker.terminate();
    },
  };
}
