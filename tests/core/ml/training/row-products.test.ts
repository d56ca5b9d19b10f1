import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rowProducts } from '../../../../src-main/core/ml/training/row-products.js';

const REPO = fileURLToPath(new URL('../../../..', import.meta.url));

/** X·W, its residual r = f(start row, logits), and Rᵀ·X written out as plain loops. */
function reference(x: Float32Array, dim: number, w: Float32Array, columns: number, residual: (row: number, z: number) => number): Float64Array {
  const rows = x.length / dim;
  const out = new Float64Array(columns * dim);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < columns; c++) {
      let z = 0;
      for (let j = 0; j < dim; j++) z += x[i * dim + j]! * w[j * columns + c]!;
      const r = residual(i, z);
      for (let j = 0; j < dim; j++) out[c * dim + j] = out[c * dim + j]! + r * x[i * dim + j]!;
    }
  }
  return out;
}

describe('rowProducts', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([['onnxruntime', 'auto'] as const, ['tfjs-cpu', 'tfjs'] as const])(
    'on %s, hands every row its logits once, at its own index, and returns Rᵀ·X over rows given in parts',
    async (engine, choice) => {
      const dim = 7;
      const columns = 3;
      // 1,300 rows in parts of 700 and 600: blocks cross neither a part's end nor skip rows
      const parts = [700, 600].map((rows, p) => Float32Array.from({ length: rows * dim }, (_, i) => Math.sin(i * 0.37 + p)));
      const w = Float32Array.from({ length: dim * columns }, (_, i) => Math.cos(i));
      const residual = (row: number, z: number) => Math.tanh(z) * (1 + (row % 5));
      const seen = new Int32Array(1300);
      const products = await rowProducts(parts, dim, choice);
      expect(products.engine).toBe(engine);
      const g = await products.pass(w, columns, (start, count, z) => {
        const r = new Float32Array(count * columns);
        for (let i = 0; i < count; i++) {
          seen[start + i]!++;
          for (let c = 0; c < columns; c++) r[i * columns + c] = residual(start + i, z[i * columns + c]!);
        }
        return r;
      });
      products.dispose();
      expect(seen.every((n) => n === 1)).toBe(true);
      const joined = new Float32Array(1300 * dim);
      joined.set(parts[0]!);
      joined.set(parts[1]!, 700 * dim);
      const expected = reference(joined, dim, w, columns, residual);
      expect(Math.max(...Array.from(g, (v, i) => Math.abs(v - expected[i]!)))).toBeLessThan(1e-3);
      expect(Math.max(...Array.from(expected, Math.abs))).toBeGreaterThan(1);
    },
  );

  it('falls back to the tfjs backend, with the same result, in a process where onnxruntime-node cannot load', async () => {
    const run = (...preload: string[]) =>
      promisify(execFile)(process.execPath, [...preload, path.join(REPO, 'bin/run-ts.js'), path.join(REPO, 'tests/fixtures/row-products-engine.ts')], { cwd: REPO });
    const blocked = JSON.parse((await run('--import', path.join(REPO, 'tests/fixtures/block-onnxruntime.mjs'))).stdout) as { engine: string; gradient: number[] };
    const loaded = JSON.parse((await run()).stdout) as { engine: string; gradient: number[] };
    expect(blocked.engine).toMatch(/^tfjs-/);
    expect(loaded.engine).toBe('onnxruntime');
    blocked.gradient.forEach((v, i) => expect(v).toBeCloseTo(loaded.gradient[i]!, 3));
  });
});
