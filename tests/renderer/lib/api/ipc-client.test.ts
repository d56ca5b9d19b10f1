import { describe, expect, it } from 'vitest';
import type { StudioBridge } from '../../../../src-main/api/desktop-bridge.js';
import { StudioCallError, isUnreachable } from '../../../../src-renderer/lib/api/call-error.js';
import { createIpcClient, mediaUrl } from '../../../../src-renderer/lib/api/ipc-client.js';
import { parseMediaUrl } from '../../../../src-main/electron/media-protocol.js';

function fakeBridge(overrides: Partial<Record<string, unknown>>): StudioBridge {
  return { on: () => () => undefined, pickFolder: async () => ({ ok: true, value: null }), pathForFile: () => '', ...overrides } as unknown as StudioBridge;
}

describe('createIpcClient', () => {
  it('unwraps a successful envelope into the value', async () => {
    const client = createIpcClient(fakeBridge({ 'library.info': async () => ({ ok: true, value: { root: '/lib', schemaVersion: 4 } }) }));
    expect(client.transport).toBe('ipc');
    expect(await client.call('library.info', {})).toEqual({ root: '/lib', schemaVersion: 4 });
  });

  it('rejects with a StudioCallError carrying the code and message', async () => {
    const client = createIpcClient(fakeBridge({ 'photos.get': async () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'No photo with id 9' } }) }));
    const error = await client.call('photos.get', { id: 9 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioCallError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'No photo with id 9' });
  });

  it('rejects at once with code CANCELLED on abort and ignores the late answer', async () => {
    let answer: (envelope: unknown) => void = () => undefined;
    const client = createIpcClient(fakeBridge({ 'classes.list': () => new Promise((resolve) => (answer = resolve)) }));
    const controller = new AbortController();
    const settled = client.call('classes.list', {}, { signal: controller.signal }).then(
      (value) => ({ resolved: value }),
      (error: unknown) => ({ rejected: error }),
    );
    controller.abort();
    const outcome = await settled;
    expect(outcome).toEqual({ rejected: expect.any(StudioCallError) });
    expect(outcome).toMatchObject({ rejected: { code: 'CANCELLED', message: 'The call to classes.list was cancelled' } });
    answer({ ok: true, value: [] });
    expect(await settled).toBe(outcome);
  });

  it('does not invoke the bridge when the signal is already aborted', async () => {
    let invoked = 0;
    const client = createIpcClient(fakeBridge({ 'classes.list': async () => (invoked++, { ok: true, value: [] }) }));
    await expect(client.call('classes.list', {}, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(invoked).toBe(0);
  });

  it('resolves and rejects as usual when a signal is given but never aborted', async () => {
    const ok = createIpcClient(fakeBridge({ 'library.info': async () => ({ ok: true, value: { root: '/lib', schemaVersion: 4 } }) }));
    expect(await ok.call('library.info', {}, { signal: new AbortController().signal })).toEqual({ root: '/lib', schemaVersion: 4 });
    const failing = createIpcClient(fakeBridge({ 'photos.get': async () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'No photo with id 9' } }) }));
    await expect(failing.call('photos.get', { id: 9 }, { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('passes event subscriptions to the bridge and returns its unsubscribe', () => {
    const subscribed: string[] = [];
    let unsubscribed = false;
    const client = createIpcClient(fakeBridge({ on: (event: string) => (subscribed.push(event), () => (unsubscribed = true)) }));
    const off = client.on('job.progress', () => undefined);
    off();
    expect(subscribed).toEqual(['job.progress']);
    expect(unsubscribed).toBe(true);
  });

  it("offers the menu's commands and the folder dialog, so views never reach for window.studio", async () => {
    const listeners = new Map<string, (payload: unknown) => void>();
    const client = createIpcClient(
      fakeBridge({
        on: (event: string, listener: (payload: unknown) => void) => (listeners.set(event, listener), () => listeners.delete(event)),
        pickFolder: async () => ({ ok: true, value: '/home/me/photos' }),
      }),
    );
    const commands: string[] = [];
    const off = client.onShellCommand?.((command) => commands.push(command));
    listeners.get('shell.command')?.({ command: 'view-train' });
    expect(commands).toEqual(['view-train']);
    off?.();
    expect(listeners.has('shell.command')).toBe(false);
    expect(await client.pickFolder?.()).toBe('/home/me/photos');
    const refused = createIpcClient(fakeBridge({ pickFolder: async () => ({ ok: false, error: { code: 'UNAVAILABLE', message: 'No window' } }) }));
    await expect(refused.pickFolder?.()).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'No window' });
  });

  it('marks a call the core process could not answer as unreachable (the connection banner)', async () => {
    const client = createIpcClient(fakeBridge({ 'library.info': async () => ({ ok: false, error: { code: 'UNAVAILABLE', message: 'The core process is not running', details: { unreachable: true } } }) }));
    const error = await client.call('library.info', {}).catch((e: unknown) => e);
    expect(isUnreachable(error)).toBe(true);
    expect(isUnreachable(new StudioCallError({ code: 'UNAVAILABLE', message: 'Cannot write to the library folder' }))).toBe(false);
  });
});

describe('mediaUrl', () => {
  it('addresses media by id on the studio-media protocol, in the form main accepts', () => {
    expect(mediaUrl('thumbnail', 12)).toBe('studio-media://thumbnail/12');
    expect(parseMediaUrl(mediaUrl('photo', 3))).toEqual({ kind: 'photo', id: 3 });
    expect(() => mediaUrl('photo', 0)).toThrow(RangeError);
    expect(() => mediaUrl('photo', 1.5)).toThrow(RangeError);
  });
});
