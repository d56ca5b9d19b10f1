// Own file: the wasm module installs its process hooks once per process, when it is first started.
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/core/ml/backbone/backend.js';

describe('starting the wasm backend', () => {
  it('leaves no uncaughtException/unhandledRejection hook of its own behind, so a stray rejection is not a crash dump', async () => {
    const before = { exception: process.listeners('uncaughtException'), rejection: process.listeners('unhandledRejection') };
    const backend = await selectBackend('wasm');
    expect(backend.name).toBe('wasm');
    expect({ exception: process.listeners('uncaughtException'), rejection: process.listeners('unhandledRejection') }).toEqual(before);
  });
});
