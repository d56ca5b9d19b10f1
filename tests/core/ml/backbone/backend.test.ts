import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES, selectBackend, type BackendName } from '../../../../src-main/core/ml/backbone/backend.js';
import { StudioError } from '../../../../src-main/api/errors.js';

const PACKAGES: Partial<Record<BackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

describe('selectBackend', () => {
  it('takes the first backend that works, explaining why each faster one was skipped', async () => {
    const backend = await selectBackend();
    const skipped = backend.reasons.map((r) => r.backend);
    expect(skipped).toEqual(BACKEND_NAMES.slice(0, BACKEND_NAMES.indexOf(backend.name)));
    for (const reason of backend.reasons) {
      const pkg = PACKAGES[reason.backend];
      if (pkg) expect(reason.why).toContain(pkg);
    }
    expect(backend.tf.getBackend()).toBe(backend.name === 'tensorflow-gpu' ? 'tensorflow' : backend.name);
    expect(backend.tf.add(1, 2).dataSync()[0]).toBe(3);
  });

  it('uses a forced backend exactly, or says why it cannot', async () => {
    for (const name of ['tensorflow-gpu', 'tensorflow'] as const) {
      const outcome = await selectBackend(name).then(
        (b) => b.name,
        (error: unknown) => error,
      );
      if (outcome === name) continue;
      expect(outcome).toBeInstanceOf(StudioError);
      expect((outcome as StudioError).code).toBe('UNAVAILABLE');
      expect((outcome as StudioError).message).toContain(PACKAGES[name]);
    }
    const cpu = await selectBackend('cpu');
    expect(cpu.name).toBe('cpu');
    expect(cpu.tf.getBackend()).toBe('cpu');
    const wasm = await selectBackend('wasm');
    expect(wasm.tf.getBackend()).toBe('wasm');
  });

  it('refuses an unknown backend name', async () => {
    await expect(selectBackend('gpu' as BackendName)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('received "gpu"'),
    });
  });
});
