// Worker thread of the embedding pool: its own tfjs backend and fused backbone; decodes and embeds the batches it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { toStudioError } from '../../../api/errors.js';
import { selectBackend, type BackendName } from '../backbone/backend.js';
import type { BackboneConfig } from '../backbone/backbone.js';
import { createLocalEmbedder, type EmbedItem } from './embed.js';

export interface EmbeddingWorkerData {
  config: BackboneConfig;
  backend: BackendName;
  batchSize: number;
}

export type ToWorker = { type: 'embed'; taskId: number; items: EmbedItem[] };

export type FromWorker =
  | { type: 'ready'; backboneId: string; dims: number }
  | { type: 'result'; taskId: number; data: Float32Array }
  | { type: 'error'; taskId: number | null; code: string; message: string };

const port = parentPort;
if (!port) throw new Error('embedding-worker.ts must run in a worker thread');
const data = workerData as EmbeddingWorkerData;

try {
  const { tf } = await selectBackend(data.backend);
  const embedder = await createLocalEmbedder(tf, data.config, { batchSize: data.batchSize });
  port.on('message', (message: ToWorker) => {
    embedder.embed(message.items).then(
      (result) => port.postMessage({ type: 'result', taskId: message.taskId, data: result } satisfies FromWorker, [result.buffer as ArrayBuffer]),
      (error: unknown) => {
        const studioError = toStudioError(error);
        port.postMessage({ type: 'error', taskId: message.taskId, code: studioError.code, message: studioError.message } satisfies FromWorker);
      },
    );
  });
  port.postMessage({ type: 'ready', backboneId: embedder.backboneId, dims: embedder.dims } satisfies FromWorker);
} catch (error) {
  const studioError = toStudioError(error);
  port.postMessage({ type: 'error', taskId: null, code: studioError.code, message: studioError.message } satisfies FromWorker);
}
