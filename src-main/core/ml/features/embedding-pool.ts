// A pool of worker threads that embed photos in parallel (tfjs wasm is single-threaded in Node, so one worker per
// core), reporting progress and cancellable: aborting terminates the workers; the next call starts fresh ones.
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
// sharp must be loaded by the main thread before any worker loads it (libvips initialisation).
import 'sharp';
import { StudioError, type ErrorCode, ERROR_CODES } from '../../../api/errors.js';
import type { MlBackend } from '../backbone/backend.js';
import type { BackboneConfig } from '../backbone/backbone.js';
import { createLocalEmbedder, DEFAULT_EMBED_BATCH, type EmbedItem, type EmbedOptions, type Embedder } from './embed.js';
import { tryOnnxEmbedder } from './embedding-engine.js';
import type { EmbeddingWorkerData, FromWorker, ToWorker } from './embedding-worker.js';
import { preprocessingSpec } from './preprocess.js';
import { spawnWorker } from '../workers/spawn-worker.js';

export interface EmbeddingPoolOptions {
  config: BackboneConfig;
  /** the in-thread backends; tfjs-node backends thread internally and should use createLocalEmbedder */
  backend?: 'wasm' | 'cpu';
  /** default: one per core */
  workers?: number;
  /** items per task sent to a worker (one network batch) */
  batchSize?: number;
}

interface PoolWorker {
  worker: Worker;
  busy: boolean;
}

function toErrorCode(code: string): ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'INTERNAL';
}

export async function createEmbeddingPool(options: EmbeddingPoolOptions): Promise<Embedder> {
  const count = Math.max(1, options.workers ?? os.availableParallelism());
  const batchSize = options.batchSize ?? DEFAULT_EMBED_BATCH;
  const spec = preprocessingSpec(options.config.inputSize, options.config.resize);
  const workerData: EmbeddingWorkerData = { config: options.config, backend: options.backend ?? 'wasm', batchSize };
  let workers: PoolWorker[] = [];
  let identity: { backboneId: string; dims: number } | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function terminateAll(): Promise<void> {
    const stopping = workers.map((w) => w.worker.terminate());
    workers = [];
    await Promise.allSettled(stopping);
  }

  function startWorker(): Promise<PoolWorker> {
    const worker = spawnWorker('features/embedding-worker', workerData);
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        cleanup();
        if (message.type === 'ready') {
          if (identity && identity.backboneId !== message.backboneId) {
            reject(new StudioError('INTERNAL', `Embedding workers disagree: ${identity.backboneId} vs ${message.backboneId}`));
            return;
          }
          identity = { backboneId: message.backboneId, dims: message.dims };
          resolve({ worker, busy: false });
        } else if (message.type === 'error') {
          reject(new StudioError(toErrorCode(message.code), message.message));
        }
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new StudioError('INTERNAL', `Embedding worker failed to start: ${error.message}`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
    });
  }

  async function ensureWorkers(): Promise<void> {
    if (workers.length > 0) return;
    const started = await Promise.allSettled(Array.from({ length: count }, () => startWorker()));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    workers = started.filter((s): s is PromiseFulfilledResult<PoolWorker> => s.status === 'fulfilled').map((s) => s.value);
    if (failed) {
      await terminateAll();
      throw failed.reason;
    }
  }

  async function run(items: readonly EmbedItem[], embedOptions: EmbedOptions): Promise<Float32Array> {
    if (closed) throw new StudioError('INTERNAL', 'The embedding pool is closed');
    const { signal } = embedOptions;
    if (signal?.aborted) throw new StudioError('CANCELLED', 'Cancelled');
    await ensureWorkers();
    const dims = identity!.dims;
    const out = new Float32Array(items.length * dims);
    const tasks: { start: number; items: EmbedItem[] }[] = [];
    for (let start = 0; start < items.length; start += batchSize) tasks.push({ start, items: items.slice(start, start + batchSize) });
    if (tasks.length === 0) return out;

    return new Promise<Float32Array>((resolve, reject) => {
      let next = 0;
      let done = 0;
      let finished = false;
      const listeners: Array<() => void> = [];
      const finish = (error: StudioError | null) => {
        if (finished) return;
        finished = true;
        for (const remove of listeners) remove();
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          // A worker may still be busy with a task nobody waits for: start clean next time.
          void terminateAll().then(() => reject(error));
        } else {
          resolve(out);
        }
      };
      const onAbort = () => finish(new StudioError('CANCELLED', 'Cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });

      const dispatch = (pw: PoolWorker, taskId: number) => {
        pw.busy = true;
        pw.worker.postMessage({ type: 'embed', taskId, items: tasks[taskId]!.items } satisfies ToWorker);
      };
      for (const pw of workers) {
        const onMessage = (message: FromWorker) => {
          if (finished) return;
          if (message.type === 'error') {
            finish(new StudioError(toErrorCode(message.code), message.message));
            return;
          }
          if (message.type !== 'result') return;
          const task = tasks[message.taskId]!;
          out.set(message.data, task.start * dims);
          done += task.items.length;
          pw.busy = false;
          embedOptions.onProgress?.(done);
          if (done === items.length) finish(null);
          else if (next < tasks.length) dispatch(pw, next++);
        };
        const onExit = (code: number) => finish(new StudioError('INTERNAL', `An embedding worker stopped unexpectedly (exit code ${code})`));
        const onError = (error: Error) => finish(new StudioError('INTERNAL', `An embedding worker crashed: ${error.message}`));
        pw.worker.on('message', onMessage);
        pw.worker.on('exit', onExit);
        pw.worker.on('error', onError);
        listeners.push(() => {
          pw.worker.off('message', onMessage);
          pw.worker.off('exit', onExit);
          pw.worker.off('error', onError);
        });
      }
      for (const pw of workers) if (next < tasks.length) dispatch(pw, next++);
    });
  }

  await ensureWorkers();
  return {
    get backboneId() {
      return identity!.backboneId;
    },
    get dims() {
      return identity!.dims;
    },
    inputSize: options.config.inputSize,
    spec,
    embed(items, embedOptions = {}) {
      // One job at a time: tasks of two calls must not interleave on the same workers.
      const result = queue.then(() => run(items, embedOptions));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      closed = true;
      await queue;
      await terminateAll();
    },
  };
}

/**
 * The embedder to use for a backend (embedding-engine.ts): the current thread for the tensorflow backends, which
 * already use every core; else ONNX Runtime when it loads; else a worker pool for the single-threaded wasm/cpu.
 */
export async function createEmbedder(
  backend: MlBackend,
  config: BackboneConfig,
  options: { workers?: number; batchSize?: number } = {},
): Promise<Embedder> {
  if (backend.name === 'wasm' || backend.name === 'cpu') {
    const onnx = await tryOnnxEmbedder(backend, config);
    if (onnx) return onnx;
    return createEmbeddingPool({ config, backend: backend.name, ...options });
  }
  return createLocalEmbedder(backend.tf, config, options.batchSize ? { batchSize: options.batchSize } : {});
}
