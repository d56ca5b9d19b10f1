import { describe, expect, it } from 'vitest';
import { studioEvents, studioMethods } from '../../src-main/api/contract.js';
import { BRIDGE_EVENTS, BRIDGE_METHODS, PICK_FOLDER_CHANNEL } from '../../src-main/electron/channels.js';
import { createStudioBridge, type PreloadIpc } from '../../src-main/electron/preload-api.js';

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpc() {
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<Listener>>();
  const ipc: PreloadIpc = {
    async invoke(channel, ...args) {
      invoked.push({ channel, args });
      return { ok: true, value: `answer from ${channel}` };
    },
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
  const emit = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: 'the raw IpcRendererEvent', ports: [] }, payload);
  };
  return { ipc, invoked, listeners, emit };
}

const webUtils = { getPathForFile: (file: { name: string }) => `/photos/${file.name}` };

describe('createStudioBridge', () => {
  it('lists exactly the contract methods and events, plus the shell command event', () => {
    expect([...BRIDGE_METHODS].sort()).toEqual(Object.keys(studioMethods).sort());
    expect([...BRIDGE_EVENTS].sort()).toEqual([...Object.keys(studioEvents), 'shell.command'].sort());
  });

  it('exposes the contract methods, on, pickFolder and pathForFile, and nothing else', () => {
    const bridge = createStudioBridge(fakeIpc().ipc, webUtils);
    expect(Object.keys(bridge).sort()).toEqual([...BRIDGE_METHODS, 'on', 'pickFolder', 'pathForFile'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it('sends each method on its own channel with the request as the only argument', async () => {
    const { ipc, invoked } = fakeIpc();
    const bridge = createStudioBridge(ipc, webUtils);
    const answer = await bridge['photos.get']({ id: 7 });
    expect(invoked).toEqual([{ channel: 'studio:call:photos.get', args: [{ id: 7 }] }]);
    expect(answer).toEqual({ ok: true, value: 'answer from studio:call:photos.get' });
  });

  it('asks main for the folder dialog on the picker channel', async () => {
    const { ipc, invoked } = fakeIpc();
    await createStudioBridge(ipc, webUtils).pickFolder();
    expect(invoked.map((c) => c.channel)).toEqual([PICK_FOLDER_CHANNEL]);
  });

  it('hands listeners the payload only, never the IPC event, and unsubscribes', () => {
    const { ipc, emit, listeners } = fakeIpc();
    const bridge = createStudioBridge(ipc, webUtils);
    const received: unknown[][] = [];
    const off = bridge.on('library.changed', (...args: unknown[]) => received.push(args));
    emit('studio:event:library.changed', { what: 'labels' });
    expect(received).toEqual([[{ what: 'labels' }]]);
    off();
    emit('studio:event:library.changed', { what: 'photos' });
    expect(received).toHaveLength(1);
    expect(listeners.get('studio:event:library.changed')?.size).toBe(0);
  });

  it('refuses to subscribe to a channel that is not a bridge event', () => {
    const bridge = createStudioBridge(fakeIpc().ipc, webUtils);
    expect(() => bridge.on('ELECTRON_BROWSER_REQUIRE' as 'library.changed', () => undefined)).toThrow(/Unknown event/);
  });

  it('gives the path of a dropped folder, and an empty string when the file has none', () => {
    const bridge = createStudioBridge(fakeIpc().ipc, webUtils);
    expect(bridge.pathForFile({ name: 'hike-2024' })).toBe('/photos/hike-2024');
    const failing = createStudioBridge(fakeIpc().ipc, {
      getPathForFile: () => {
        throw new Error('not a File');
      },
    });
    expect(failing.pathForFile({ name: 'x' })).toBe('');
  });
});
