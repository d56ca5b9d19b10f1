// Execution providers chosen from STUDIO_ONNX_EP, and a session that still opens on the CPU when the GPU provider
// asked for is not installed (this machine has no CUDA provider library).
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/core/ml/backbone/backend.js';
import { ensureBackboneOnnx } from '../../../../../src-main/core/ml/features/onnx/backbone-onnx-file.js';
import { createOrtSession, describeOnnxEngine, executionProviders, ONNX_EP_ENV } from '../../../../../src-main/core/ml/features/onnx/onnx-runtime.js';
import { WEIGHTS_DIR } from '../../embedding-fixtures.js';

afterEach(() => {
  delete process.env[ONNX_EP_ENV];
});

describe('ONNX Runtime execution providers', () => {
  it('uses the CPU alone by default and puts the provider named in STUDIO_ONNX_EP first', () => {
    expect(executionProviders({})).toEqual(['cpu']);
    expect(executionProviders({ [ONNX_EP_ENV]: ' DML ' })).toEqual(['dml', 'cpu']);
    expect(executionProviders({ [ONNX_EP_ENV]: 'cuda' })).toEqual(['cuda', 'cpu']);
  });

  it('refuses an unknown provider name with the list of known ones', () => {
    expect(() => executionProviders({ [ONNX_EP_ENV]: 'tpu' })).toThrow('STUDIO_ONNX_EP: expected one of cpu, cuda, dml, coreml, webgpu, received "tpu"');
  });

  it('opens the session on the CPU when the CUDA provider is missing, and says so', async () => {
    const { tf } = await selectBackend('wasm');
    const graph = await ensureBackboneOnnx(tf, { alpha: 0.35, inputSize: 96, weightsDir: WEIGHTS_DIR });
    process.env[ONNX_EP_ENV] = 'cuda';
    const session = await createOrtSession(ort, graph.model);
    const out = await session.run({ image: new ort.Tensor('float32', new Float32Array(96 * 96 * 3), [1, 96, 96, 3]) });
    expect(out.features!.dims).toEqual([1, 1280]);
    await session.release();
    expect(describeOnnxEngine()).toMatch(/^cpu execution provider \(cuda unavailable: .+\), \d+ intra-op threads$/);
  });
});
