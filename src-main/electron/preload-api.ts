// Builds the `window.studio` object from the few ipcRenderer/webUtils functions it needs (injected, so tests
// pass fakes). The renderer gets plain functions only: never ipcRenderer, never the IPC event object.
import type { MethodName } from '../api/contract.js';
import type { BridgeEventName, DroppedFile, StudioBridge } from '../api/desktop-bridge.js';
import type { Envelope } from '../api/envelope.js';
import { BRIDGE_EVENTS, BRIDGE_METHODS, PICK_FOLDER_CHANNEL, callChannel, eventChannel } from './channels.js';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

export interface PreloadWebUtils {
  getPathForFile(file: never): string;
}

export function createStudioBridge(ipc: PreloadIpc, webUtils: PreloadWebUtils): StudioBridge {
  const methods: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const method of BRIDGE_METHODS) {
    methods[method] = (request: unknown) => ipc.invoke(callChannel(method satisfies MethodName), request);
  }
  const shell = {
    on(event: BridgeEventName, listener: (payload: unknown) => void): () => void {
      if (!(BRIDGE_EVENTS as readonly string[]).includes(event)) {
        throw new Error(`Unknown event: expected one of ${BRIDGE_EVENTS.join(', ')}, received "${String(event)}"`);
      }
      if (typeof listener !== 'function') throw new Error(`Expected a listener function, received ${typeof listener}`);
      const channel = eventChannel(event);
      const forward: IpcListener = (_event, payload) => listener(payload);
      ipc.on(channel, forward);
      return () => {
        ipc.removeListener(channel, forward);
      };
    },
    pickFolder: () => ipc.invoke(PICK_FOLDER_CHANNEL) as Promise<Envelope<string | null>>,
    pathForFile(file: DroppedFile): string {
      try {
        return webUtils.getPathForFile(file as never);
      } catch {
        return '';
      }
    },
  };
  // The IPC layer returns envelopes shaped by main; the cast states that contract rather than re-checking it here.
  return { ...methods, ...shell } as unknown as StudioBridge;
}
