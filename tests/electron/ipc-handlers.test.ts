import { describe, expect, it } from 'vitest';
import type { MethodName } from '../../src-main/api/contract.js';
import type { Envelope } from '../../src-main/api/envelope.js';
import { createAppLocation } from '../../src-main/electron/app-location.js';
import { BRIDGE_METHODS, PICK_FOLDER_CHANNEL } from '../../src-main/electron/channels.js';
import { registerStudioIpc, relayCoreEvents, type InvokeEvent, type IpcMainPart } from '../../src-main/electron/ipc-handlers.js';

type Handler = (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>;

const RENDERER_INDEX = '/opt/Hike Photo Studio/resources/app.asar/dist/renderer/index.html';
const APP_PAGE = 'file:///opt/Hike%20Photo%20Studio/resources/app.asar/dist/renderer/index.html#/library';

function setUp() {
  const handlers = new Map<string, Handler>();
  const ipcMain: IpcMainPart = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const calls: { method: MethodName; request: unknown }[] = [];
  const core = {
    async call(method: MethodName, request: unknown): Promise<Envelope<unknown>> {
      calls.push({ method, request });
      return { ok: true, value: { echoed: request } };
    },
  };
  const mainContents = { id: 1 };
  const location = createAppLocation({ rendererIndex: RENDERER_INDEX, devServer: null });
  const logged: string[] = [];
  const unregister = registerStudioIpc({
    ipcMain,
    policy: { mainContents: () => mainContents, isAppUrl: location.isAppUrl },
    core,
    pickFolder: async () => '/home/me/hikes',
    log: (message) => logged.push(message),
  });
  const invoke = async (channel: string, event: Partial<InvokeEvent>, ...args: unknown[]) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`no handler on ${channel}`);
    return (await handler({ sender: mainContents, senderFrame: { url: APP_PAGE }, ...event }, ...args)) as Envelope<unknown>;
  };
  return { handlers, calls, mainContents, invoke, unregister, logged };
}

describe('registerStudioIpc', () => {
  it('registers one handler per contract method plus the folder picker', () => {
    const { handlers, unregister } = setUp();
    expect(handlers.size).toBe(BRIDGE_METHODS.length + 1);
    expect(handlers.has(PICK_FOLDER_CHANNEL)).toBe(true);
    unregister();
    expect(handlers.size).toBe(0);
  });

  it('relays a valid call to the core with the parsed request and envelopes the result', async () => {
    const { invoke, calls } = setUp();
    const result = await invoke('studio:call:photos.list', {}, { classId: 3 });
    // Defaults from the contract's schema are applied before the core sees the request.
    const expected = { classId: 3, limit: 200, offset: 0, sort: 'name', descending: false };
    expect(calls).toEqual([{ method: 'photos.list', request: expect.objectContaining(expected) }]);
    expect(result).toEqual({ ok: true, value: { echoed: expect.objectContaining(expected) } });
  });

  it('rejects invalid arguments with INVALID_INPUT and never calls the core', async () => {
    const { invoke, calls } = setUp();
    const wrongType = await invoke('studio:call:photos.get', {}, { id: 'seven' });
    const negative = await invoke('studio:call:labels.set', {}, { photoIds: [-1], classId: 2 });
    const missing = await invoke('studio:call:classes.create', {});
    const extraArgument = await invoke('studio:call:photos.get', {}, { id: 1 }, { id: 2 });
    for (const result of [wrongType, negative, missing, extraArgument]) {
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(calls).toEqual([]);
  });

  it('rejects a call from a frame showing another page', async () => {
    const { invoke, calls } = setUp();
    for (const url of ['https://evil.example/index.html', 'file:///tmp/other.html', 'file:///opt/Hike%20Photo%20Studio/resources/app.asar/dist/renderer/other.html', '']) {
      const result = await invoke('studio:call:library.info', { senderFrame: { url } }, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/app's page/) } });
    }
    const noFrame = await invoke('studio:call:library.info', { senderFrame: null }, {});
    expect(noFrame).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
  });

  it('rejects a call from another webContents even when it shows the app page', async () => {
    const { invoke, calls, logged } = setUp();
    const result = await invoke('studio:call:library.info', { sender: { id: 2 } }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/main window/) } });
    const picker = await invoke(PICK_FOLDER_CHANNEL, { sender: { id: 2 } });
    expect(picker).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
    expect(logged.length).toBe(2);
  });

  it('answers the folder picker with the chosen path', async () => {
    const { invoke } = setUp();
    expect(await invoke(PICK_FOLDER_CHANNEL, {})).toEqual({ ok: true, value: '/home/me/hikes' });
  });

  it('accepts calls from the dev server origin when running against it', async () => {
    const location = createAppLocation({ rendererIndex: RENDERER_INDEX, devServer: new URL('http://localhost:5173/') });
    expect(location.isAppUrl('http://localhost:5173/#/review')).toBe(true);
    expect(location.isAppUrl('http://localhost:5174/')).toBe(false);
    expect(location.isAppUrl(APP_PAGE)).toBe(false);
  });
});

describe('relayCoreEvents', () => {
  it('pushes core events to the main window on the event channel while it exists', () => {
    let emit: (event: 'library.changed', payload: unknown) => void = () => undefined;
    const sent: unknown[][] = [];
    let destroyed = false;
    relayCoreEvents({ onEvent: (listener) => ((emit = listener), () => undefined) }, () => ({
      isDestroyed: () => destroyed,
      send: (channel, payload) => void sent.push([channel, payload]),
    }));
    emit('library.changed', { what: 'labels' });
    destroyed = true;
    emit('library.changed', { what: 'photos' });
    expect(sent).toEqual([['studio:event:library.changed', { what: 'labels' }]]);
  });
});
