// Worker thread owning one ONNX Runtime session: onnxruntime-node's run() blocks its thread for the whole batch, so
// it runs here and the process's event loop (API calls, decoding the next batch) stays free meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { toStudioError } from '../../../../api/errors.js';
import { ONNX_FEATURES_OUTPUT, ONNX_IMAGE_INPUT } from './mobilenet-v2-onnx.js';
import { createOrtSession, describeOnnxEngine, loadOnnxRuntime } from './onnx-runtime.js';

export interface OnnxSessionWorkerData {
  /** the cached .onnx file, or the graph's bytes */
  model: string | Uint8Array;
  inputSize: number;
}

export type ToSessionWorker = { type: 'run'; id: number; pixels: Float32Array; count: number };

export type FromSessionWorker =
  | { type: 'ready'; engine: string }
  | { type: 'result'; id: number; features: Float32Array }
  | { type: 'error'; id: number | null; code: string; message: string };

const port = parentPort;
if (!port) throw new Error('onnx-session-worker.ts must run in a worker thread');
const data = workerData as OnnxSessionWorkerData;

function postError(id: number | null, error: unknown): void {
  const studioError = toStudioError(error);
  port!.postMessage({ type: 'error', id, code: studioError.code, message: studioError.message } satisfies FromSessionWorker);
}

try {
  const runtime = await loadOnnxRuntime();
  if (!runtime.ok) throw new Error(runtime.why);
  const { ort } = runtime;
  const session = await createOrtSession(ort, data.model);
  const size = data.inputSize;
  port.on('message', (message: ToSessionWorker) => {
    session.run({ [ONNX_IMAGE_INPUT]: new ort.Tensor('float32', message.pixels, [message.count, size, size, 3]) }).then(
      (result) => {
        const features = Float32Array.from(result[ONNX_FEATURES_OUTPUT]!.data as Float32Array);
        for (const tensor of Object.values(result)) tensor.dispose();
        port.postMessage({ type: 'result', id: message.id, features } satisfies FromSessionWorker, [features.buffer as ArrayBuffer]);
      },
      (error: unknown) => postError(message.id, error),
    );
  });
  port.postMessage({ type: 'ready', engine: describeOnnxEngine() } satisfies FromSessionWorker);
} catch (error) {
  postError(null, error);
}
