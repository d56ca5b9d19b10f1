// The k most similar reference rows per query row as one tiny ONNX graph (Gemm with transB, then TopK), run by ONNX
// Runtime's multithreaded CPU kernels: ~6× less CPU than tfjs-wasm's matMul + topk for the same exact product. All
// rows against all: each block of the symmetric product once, top-k along both its axes.
import onnxProto from 'onnx-proto';
import { encodeModel, floatValue, node } from '../features/onnx/onnx-proto.js';
import { createOrtSession, loadOnnxRuntime, type Ort, type OrtSession } from '../features/onnx/onnx-runtime.js';
import type { TopK } from './similarity-top-k.js';

const { onnx } = onnxProto;

function int64Value(name: string, dims: ReadonlyArray<number | string>): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.INT64,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** queries [m, dim] · references [n, dim]ᵀ → the k largest per row, sorted, with their column indices. */
export function similarityTopKGraph(): Uint8Array {
  return encodeModel({
    name: 'similarity-top-k',
    nodes: [node('Gemm', ['queries', 'references'], ['similarity'], { transB: 1 }), node('TopK', ['similarity', 'k'], ['values', 'indices'], { axis: 1 })],
    initializers: [],
    inputs: [floatValue('queries', ['m', 'dim']), floatValue('references', ['n', 'dim']), int64Value('k', [1])],
    outputs: [floatValue('values', ['m', 'k']), int64Value('indices', ['m', 'k'])],
    docString: 'row-wise top-k of a similarity matrix (cosine when both inputs are L2-normalized)',
  });
}

/** One block of a symmetric product, a [m, dim] · b [n, dim]ᵀ: the top-k along its rows and along its columns. */
export function blockTopKGraph(): Uint8Array {
  return encodeModel({
    name: 'block-top-k',
    nodes: [
      node('Gemm', ['a', 'b'], ['similarity'], { transB: 1 }),
      node('TopK', ['similarity', 'row_k'], ['row_values', 'row_indices'], { axis: 1 }),
      node('TopK', ['similarity', 'column_k'], ['column_values', 'column_indices'], { axis: 0 }),
    ],
    initializers: [],
    inputs: [floatValue('a', ['m', 'dim']), floatValue('b', ['n', 'dim']), int64Value('row_k', [1]), int64Value('column_k', [1])],
    outputs: [
      floatValue('row_values', ['m', 'rk']),
      int64Value('row_indices', ['m', 'rk']),
      floatValue('column_values', ['ck', 'n']),
      int64Value('column_indices', ['ck', 'n']),
    ],
    docString: 'a block of a symmetric similarity matrix: top-k per row and per column',
  });
}

type Opened = { ort: Ort; session: OrtSession } | null;
const opening = new Map<string, Promise<Opened>>();

/** A graph's session, opened once per process; null when ONNX Runtime does not load or cannot open the graph. */
function openSession(name: string, graph: () => Uint8Array): Promise<Opened> {
  let opened = opening.get(name);
  if (!opened) {
    opened = loadOnnxRuntime().then(async (runtime) => {
      if (!runtime.ok) return null;
      try {
        return { ort: runtime.ort, session: await createOrtSession(runtime.ort, graph()) };
      } catch {
        return null;
      }
    });
    opening.set(name, opened);
  }
  return opened;
}

/** Merges a sorted candidate list into row `row`'s sorted best k (values descending). */
function mergeInto(bestValues: Float32Array, bestIndices: Int32Array, row: number, k: number, values: ArrayLike<number>, indices: ArrayLike<number>, scratch: { v: Float32Array; i: Int32Array }): void {
  const base = row * k;
  let a = 0;
  let b = 0;
  for (let out = 0; out < k; out++) {
    const takeNew = b < values.length && (a >= k || (values[b] as number) > (bestValues[base + a] as number));
    if (takeNew) {
      scratch.v[out] = values[b] as number;
      scratch.i[out] = indices[b] as number;
      b++;
    } else {
      scratch.v[out] = bestValues[base + a] as number;
      scratch.i[out] = bestIndices[base + a] as number;
      a++;
    }
  }
  bestValues.set(scratch.v.subarray(0, k), base);
  bestIndices.set(scratch.i.subarray(0, k), base);
}

/**
 * Every row against every row (itself included) of one normalized matrix, computing each block of the symmetric
 * product once: half the multiply-adds of the plain product. Null when ONNX Runtime is unavailable.
 */
export async function onnxSelfTopK(rows: Float32Array, dim: number, k: number, blockRows: number): Promise<TopK | null> {
  const opened = await openSession('block', blockTopKGraph);
  if (!opened) return null;
  const { ort, session } = opened;
  const count = rows.length / dim;
  const values = new Float32Array(count * k).fill(-Infinity);
  const indices = new Int32Array(count * k).fill(-1);
  const scratch = { v: new Float32Array(k), i: new Int32Array(k) };
  const int64 = (n: number) => new ort.Tensor('int64', BigInt64Array.from([BigInt(n)]), [1]);
  const block = (start: number) => {
    const size = Math.min(blockRows, count - start);
    return { start, size, tensor: new ort.Tensor('float32', rows.subarray(start * dim, (start + size) * dim), [size, dim]) };
  };
  for (let i = 0; i < count; i += blockRows) {
    const a = block(i);
    for (let j = i; j < count; j += blockRows) {
      const b = block(j);
      const rowK = Math.min(k, b.size);
      const columnK = Math.min(k, a.size);
      const result = await session.run({ a: a.tensor, b: b.tensor, row_k: int64(rowK), column_k: int64(columnK) });
      const rowValues = result.row_values!.data as Float32Array;
      const rowIndices = result.row_indices!.data as BigInt64Array;
      const candidates = new Int32Array(Math.max(rowK, columnK));
      for (let r = 0; r < a.size; r++) {
        for (let t = 0; t < rowK; t++) candidates[t] = b.start + Number(rowIndices[r * rowK + t]);
        mergeInto(values, indices, a.start + r, k, rowValues.subarray(r * rowK, (r + 1) * rowK), candidates.subarray(0, rowK), scratch);
      }
      if (j !== i) {
        const columnValues = result.column_values!.data as Float32Array;
        const columnIndices = result.column_indices!.data as BigInt64Array;
        const columnCandidates = new Float32Array(columnK);
        for (let c = 0; c < b.size; c++) {
          for (let t = 0; t < columnK; t++) {
            columnCandidates[t] = columnValues[t * b.size + c] as number;
            candidates[t] = a.start + Number(columnIndices[t * b.size + c]);
          }
          mergeInto(values, indices, b.start + c, k, columnCandidates, candidates.subarray(0, columnK), scratch);
        }
      }
      for (const tensor of Object.values(result)) tensor.dispose();
    }
  }
  return { values, indices, k };
}

/** Null when ONNX Runtime is unavailable (the caller falls back to tfjs). */
export async function onnxSimilarityTopK(
  queries: Float32Array,
  references: Float32Array,
  dim: number,
  k: number,
  chunkRows: number,
): Promise<TopK | null> {
  const opened = await openSession('rows', similarityTopKGraph);
  if (!opened) return null;
  const { ort, session } = opened;
  const queryCount = queries.length / dim;
  const values = new Float32Array(queryCount * k);
  const indices = new Int32Array(queryCount * k);
  const referenceTensor = new ort.Tensor('float32', references, [references.length / dim, dim]);
  const kTensor = new ort.Tensor('int64', BigInt64Array.from([BigInt(k)]), [1]);
  for (let start = 0; start < queryCount; start += chunkRows) {
    const rows = Math.min(chunkRows, queryCount - start);
    const result = await session.run({
      queries: new ort.Tensor('float32', queries.subarray(start * dim, (start + rows) * dim), [rows, dim]),
      references: referenceTensor,
      k: kTensor,
    });
    values.set(result.values!.data as Float32Array, start * k);
    const found = result.indices!.data as BigInt64Array;
    for (let i = 0; i < found.length; i++) indices[start * k + i] = Number(found[i]);
    for (const tensor of Object.values(result)) tensor.dispose();
  }
  return { values, indices, k };
}
