// Exact cosine top-k: for each query row, the k most similar reference rows (L2-normalized inputs), by ONNX Runtime
// when it loads (multithreaded MLAS), else tfjs matMul + topk in chunks on the current backend.
import * as tf from '@tensorflow/tfjs';

export interface TopK {
  /** row-major, queries × k similarities, largest first */
  values: Float32Array;
  /** the reference row of each value */
  indices: Int32Array;
  k: number;
}

export type SimilarityEngine = 'onnxruntime' | 'tfjs';

/** Query rows per product: a 1,024 × 20,000 float block is 80 MB. */
const ONNX_CHUNK = 1024;
const TFJS_CHUNK = 256;

/** Copies of the rows scaled to unit length (a zero row stays zero: similar to nothing). */
export function normalizeRows(features: Float32Array, dim: number, rows?: readonly number[]): Float32Array {
  const count = rows ? rows.length : features.length / dim;
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const from = (rows ? (rows[i] as number) : i) * dim;
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (features[from + d] as number) ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) out[i * dim + d] = (features[from + d] as number) * scale;
  }
  return out;
}

/** The rows `rows` of a row-major matrix, copied in that order. */
export function selectRows(matrix: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => out.set(matrix.subarray(row * dim, (row + 1) * dim), i * dim));
  return out;
}

function tfjsSimilarityTopK(queries: Float32Array, references: Float32Array, dim: number, k: number): TopK {
  const queryCount = queries.length / dim;
  const values = new Float32Array(queryCount * k);
  const indices = new Int32Array(queryCount * k);
  // stored transposed (dim × references): a plain product runs ~2× faster on the wasm backend than transposeB
  const referenceMatrix = tf.tidy(() => tf.transpose(tf.tensor2d(references, [references.length / dim, dim])));
  try {
    for (let start = 0; start < queryCount; start += TFJS_CHUNK) {
      const rows = Math.min(TFJS_CHUNK, queryCount - start);
      tf.tidy(() => {
        const top = tf.topk(tf.matMul(tf.tensor2d(queries.subarray(start * dim, (start + rows) * dim), [rows, dim]), referenceMatrix), k);
        values.set(top.values.dataSync() as Float32Array, start * k);
        indices.set(top.indices.dataSync() as Int32Array, start * k);
      });
    }
  } finally {
    referenceMatrix.dispose();
  }
  return { values, indices, k };
}

/**
 * The k (≤ reference rows) most similar references per query, both row-major `dim` floats already normalized.
 * `engine` forces one (tests, benches); by default ONNX Runtime, falling back to tfjs when it does not load.
 */
export async function similarityTopK(
  queries: Float32Array,
  references: Float32Array,
  dim: number,
  k: number,
  engine?: SimilarityEngine,
): Promise<TopK & { engine: SimilarityEngine }> {
  const queryCount = queries.length / dim;
  if (queryCount === 0 || k === 0) return { values: new Float32Array(0), indices: new Int32Array(0), k, engine: engine ?? 'tfjs' };
  if (engine !== 'tfjs') {
    // loaded on first use: the graph builder pulls in the protobuf bindings
    const { onnxSimilarityTopK } = await import('./onnx-similarity-top-k.js');
    const result = await onnxSimilarityTopK(queries, references, dim, k, ONNX_CHUNK);
    if (result) return { ...result, engine: 'onnxruntime' };
  }
  return { ...tfjsSimilarityTopK(queries, references, dim, k), engine: 'tfjs' };
}
