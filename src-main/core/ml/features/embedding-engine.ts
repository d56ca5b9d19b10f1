// Which engine runs the frozen backbone's forward pass: tfjs-node(-gpu) when it loaded (it threads and may use CUDA),
// else ONNX Runtime, else the tfjs backend itself (wasm workers, cpu). Training always stays on the tfjs backend.
import type { BackboneConfig } from '../backbone/backbone.js';
import type { MlBackend } from '../backbone/backend.js';
import type { Embedder } from './embed.js';
import { describeOnnxEngine, loadOnnxRuntime } from './onnx/onnx-runtime.js';

export const ONNX_ENGINE = 'onnxruntime';

export interface EmbeddingEngineInfo {
  /** 'onnxruntime' or the tfjs backend's name */
  engine: string;
  /** e.g. 'cpu execution provider, 2 intra-op threads' */
  detail: string;
  /** why each faster engine is not embedding */
  unavailable: Array<{ engine: string; reason: string }>;
}

/** Set when ONNX Runtime loaded but could not run the backbone here (reported from then on). */
let onnxFailure: string | null = null;
/** How the last ONNX session runs (its worker knows whether a GPU provider started). */
let onnxDetail: string | null = null;

function usesOnnx(backend: MlBackend): boolean {
  return backend.name === 'wasm' || backend.name === 'cpu';
}

export async function embeddingEngineFor(backend: MlBackend): Promise<EmbeddingEngineInfo> {
  if (!usesOnnx(backend)) return { engine: backend.name, detail: 'TensorFlow threads', unavailable: [] };
  const runtime = await loadOnnxRuntime();
  const why = runtime.ok ? onnxFailure : runtime.why;
  if (why === null) return { engine: ONNX_ENGINE, detail: onnxDetail ?? describeOnnxEngine(), unavailable: [] };
  const detail = backend.name === 'wasm' ? 'one worker thread per core' : 'this thread';
  return { engine: backend.name, detail, unavailable: [{ engine: ONNX_ENGINE, reason: why }] };
}

/** The ONNX Runtime embedder for a wasm/cpu backend, or null (with the reason kept) when it cannot run. */
export async function tryOnnxEmbedder(backend: MlBackend, config: BackboneConfig, options: { batchSize?: number } = {}): Promise<Embedder | null> {
  if (!usesOnnx(backend)) return null;
  const runtime = await loadOnnxRuntime();
  if (!runtime.ok) return null;
  try {
    // loaded on first use: the graph builder pulls in the protobuf bindings
    const { createOnnxEmbedder } = await import('./onnx/onnx-embedder.js');
    const embedder = await createOnnxEmbedder(backend.tf, config, options);
    onnxFailure = null;
    onnxDetail = embedder.engine;
    return embedder;
  } catch (error) {
    onnxFailure = error instanceof Error ? error.message : String(error);
    return null;
  }
}
