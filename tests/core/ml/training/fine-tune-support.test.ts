import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/core/ml/backbone/backend.js';
import { checkFineTuneSupport, missingFineTuneKernels } from '../../../../src-main/core/ml/training/fine-tune-support.js';

describe('checkFineTuneSupport', () => {
  it('on wasm, names the missing gradient kernels instead of falling back', async () => {
    const { tf } = await selectBackend('wasm');
    const missing = missingFineTuneKernels(tf);
    expect(missing).toContain('Conv2DBackpropFilter');
    expect(() => checkFineTuneSupport(tf, 'wasm', 10)).toThrow(
      /Fine-tuning needs kernels? .*Conv2DBackpropFilter.* on backend wasm.*use --backend cpu or tensorflow/,
    );
    expect(() => checkFineTuneSupport(tf, 'wasm', 0)).not.toThrow();
  });

  it('on cpu, runs one training step with the last layers unfrozen and leaks nothing', async () => {
    const { tf } = await selectBackend('cpu');
    expect(missingFineTuneKernels(tf)).toEqual([]);
    const before = tf.memory().numTensors;
    expect(() => checkFineTuneSupport(tf, 'cpu', 20)).not.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
