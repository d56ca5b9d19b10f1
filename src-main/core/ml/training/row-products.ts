// The two matrix products of a full-batch linear fit over one resident row matrix X (rows × dim, possibly in parts): logits X·W and the
// gradient Rᵀ·X, for several heads at once. On ONNX Runtime (MLAS SGEMM) both run per block of rows, so the second
// product reads the block from cache rather than memory (one pass over X instead of two); without onnxruntime-node
// they run on the active tfjs backend over the whole matrix.
import * as tf from '@tensorflow/tfjs';
import type * as OrtModule from 'onnxruntime-node';
import { encodeModel, floatValue, node, type OnnxNode, type OnnxValueInfo } from '../features/onnx/onnx-proto.js';
import { loadOnnxRuntime, type Ort } from '../features/onnx/onnx-runtime.js';

/** Residuals of `count` rows from `start` given their logits (count × columns): count × columns, row-major. */
export type ResidualOf = (start: number, count: number, logits: Float32Array) => Float32Array;

export interface RowProducts {
  readonly engine: string;
  /** One pass: logits X·W (W dim × columns) handed block by block to `residualOf`; returns Rᵀ·X (columns × dim). */
  pass(w: Float32Array, columns: number, residualOf: ResidualOf): Promise<Float32Array>;
  dispose(): void;
}

/** Rows per block: 512 × 1280 floats (2.6 MB) stays in cache between the two products; measured best of 512–8192. */
const BLOCK_ROWS = 512;

interface OrtProducts {
  ort: Ort;
  logits: OrtModule.InferenceSession;
  gradient: OrtModule.InferenceSession;
}

let ortProducts: Promise<OrtProducts | null> | null = null;

/**
 * One intra-op thread. Measured on the 2 shared cores (load 8–15): 2 threads with ONNX Runtime's default spinning
 * cost ~3× the CPU per pass (128–153 ms vs 39–45 ms) and more wall time; without spinning about the same CPU
 * (47–57 ms) and a wall time within the load's noise, end to end too (2.5–3.0 s CPU either way on alpaca features
 * tiled to 20,000 photos) — nothing shown to gain, so the other core stays with the app.
 */
function loadOrtProducts(): Promise<OrtProducts | null> {
  ortProducts ??= loadOnnxRuntime().then(async (load) => {
    if (!load.ok) return null;
    const { ort } = load;
    const options: OrtModule.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
    const graph = (name: string, op: OnnxNode, inputs: OnnxValueInfo[], output: OnnxValueInfo) =>
      ort.InferenceSession.create(encodeModel({ name, nodes: [op], initializers: [], inputs, outputs: [output] }), options);
    try {
      const [logits, gradient] = await Promise.all([
        graph('logits', node('MatMul', ['x', 'w'], ['z']), [floatValue('x', ['n', 'd']), floatValue('w', ['d', 'h'])], floatValue('z', ['n', 'h'])),
        graph('gradient', node('Gemm', ['r', 'x'], ['g'], { transA: 1 }), [floatValue('r', ['n', 'h']), floatValue('x', ['n', 'd'])], floatValue('g', ['h', 'd'])),
      ]);
      return { ort, logits, gradient };
    } catch {
      return null;
    }
  });
  return ortProducts;
}

function ortRowProducts({ ort, logits, gradient }: OrtProducts, parts: readonly Float32Array[], dim: number): RowProducts {
  return {
    engine: 'onnxruntime',
    async pass(w, columns, residualOf) {
      const weights = new ort.Tensor('float32', w, [dim, columns]);
      const total = new Float64Array(columns * dim);
      let first = 0;
      for (const part of parts) {
        const rows = part.length / dim;
        for (let offset = 0; offset < rows; offset += BLOCK_ROWS) {
          const count = Math.min(BLOCK_ROWS, rows - offset);
          const block = new ort.Tensor('float32', part.subarray(offset * dim, (offset + count) * dim), [count, dim]);
          const z = (await logits.run({ x: block, w: weights })).z!.data as Float32Array;
          const r = residualOf(first + offset, count, z);
          const g = (await gradient.run({ r: new ort.Tensor('float32', r, [count, columns]), x: block })).g!.data as Float32Array;
          for (let i = 0; i < g.length; i++) total[i] = (total[i] as number) + (g[i] as number);
        }
        first += rows;
      }
      return Float32Array.from(total);
    },
    dispose: () => undefined,
  };
}

function tfjsRowProducts(parts: readonly Float32Array[], dim: number): RowProducts {
  const rows = parts.reduce((sum, part) => sum + part.length / dim, 0);
  const matrix = tf.tidy(() => (parts.length === 1 ? tf.tensor2d(parts[0]!, [rows, dim]) : tf.concat(parts.map((part) => tf.tensor2d(part, [part.length / dim, dim])))));
  return {
    engine: `tfjs-${tf.getBackend()}`,
    async pass(w, columns, residualOf) {
      const z = tf.tidy(() => tf.matMul(matrix, tf.tensor2d(w, [dim, columns])).dataSync() as Float32Array);
      const r = residualOf(0, rows, z instanceof Float32Array ? z : Float32Array.from(z));
      // columns × rows: the untransposed product is the backend's fast case
      const transposed = new Float32Array(columns * rows);
      for (let i = 0; i < rows; i++) for (let c = 0; c < columns; c++) transposed[c * rows + i] = r[i * columns + c] as number;
      const g = tf.tidy(() => tf.matMul(tf.tensor2d(transposed, [columns, rows]), matrix).dataSync() as Float32Array);
      return g instanceof Float32Array ? g : Float32Array.from(g);
    },
    dispose: () => matrix.dispose(),
  };
}

/**
 * Products over the rows of `parts` (each part whole rows of `dim` floats, in order; kept by reference, not copied):
 * ONNX Runtime when it loads (and `engine` allows), else tfjs.
 */
export async function rowProducts(parts: readonly Float32Array[], dim: number, engine: 'auto' | 'tfjs' = 'auto'): Promise<RowProducts> {
  const ort = engine === 'auto' ? await loadOrtProducts() : null;
  return ort ? ortRowProducts(ort, parts, dim) : tfjsRowProducts(parts, dim);
}
