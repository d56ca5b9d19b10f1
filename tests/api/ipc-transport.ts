// The StudioApi over the Electron IPC path, minus Electron itself: renderer client → preload bridge →
// (structured clone) → main's sender-checked, validating handlers → core client → (structured clone) →
// core host → Studio. Fakes stand in only for ipcRenderer/ipcMain and the utility-process pipe.
import type { Envelope } from '../../src-main/api/envelope.js';
import { openStudio } from '../../src-main/core/studio.js';
import { connectCore } from '../../src-main/electron/core-client.js';
import { serveStudio } from '../../src-main/electron/core-host-protocol.js';
import { registerStudioIpc, type InvokeEvent } from '../../src-main/electron/ipc-handlers.js';
import { createStudioBridge } from '../../src-main/electron/preload-api.js';
import { StudioCallError } from '../../src-renderer/lib/api/call-error.js';
import { createIpcClient } from '../../src-renderer/lib/api/ipc-client.js';
import type { MethodName, MethodRequest } from '../../src-main/api/contract.js';
import { createFakeHostChannel } from '../electron/fake-host-channel.js';
import type { ContractTransport } from './contract-suite.js';

const APP_PAGE = 'file:///app/dist/renderer/index.html';

export const ipcTransport: ContractTransport = {
  name: 'Electron IPC',
  async open(libraryDir) {
    const studio = openStudio(libraryDir);
    const { child, port } = createFakeHostChannel();
    serveStudio(port, { ...studio, resolveMedia: (kind, id) => studio.media(kind, id) }, () => undefined);
    const core = connectCore(child, () => undefined);
    await core.ready;

    const handlers = new Map<string, (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>>();
    const mainContents = {};
    registerStudioIpc({
      ipcMain: { handle: (channel, listener) => void handlers.set(channel, listener), removeHandler: (channel) => void handlers.delete(channel) },
      policy: { mainContents: () => mainContents, isAppUrl: (url) => url === APP_PAGE },
      core,
      pickFolder: async () => null,
      log: () => undefined,
    });
    const bridge = createStudioBridge(
      {
        async invoke(channel, ...args) {
          const handler = handlers.get(channel);
          if (!handler) throw new Error(`Error invoking remote method '${channel}': No handler registered`);
          return structuredClone(await handler({ sender: mainContents, senderFrame: { url: APP_PAGE } }, ...structuredClone(args)));
        },
        on: () => undefined,
        removeListener: () => undefined,
      },
      { getPathForFile: () => '' },
    );
    const client = createIpcClient(bridge);
    return {
      async call(method, request) {
        try {
          const value = await client.call(method as MethodName, request as MethodRequest<MethodName>);
          return { ok: true, value } satisfies Envelope<unknown>;
        } catch (error) {
          if (!(error instanceof StudioCallError)) throw error;
          return { ok: false, error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
        }
      },
      async close() {
        await core.shutdown(5_000);
      },
    };
  },
};
