// Picks the transport once at start-up: the Electron preload's window.studio (IPC) when present, else HTTP to
// the browser-mode server that served this page.
import type { StudioBridge } from '../../../src-main/api/desktop-bridge.js';
import { createHttpClient, takeTokenFromPageUrl } from './http-client.js';
import type { StudioClient } from './studio-client.js';

declare global {
  interface Window {
    studio?: StudioBridge;
  }
}

export async function connectStudio(): Promise<StudioClient> {
  const bridge = window.studio;
  if (bridge) {
    const { createIpcClient } = await import('./ipc-client.js');
    return createIpcClient(bridge);
  }
  const token = takeTokenFromPageUrl();
  return createHttpClient(token ? { token } : {});
}
