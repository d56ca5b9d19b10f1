// StudioClient over the Electron preload's `window.studio` bridge (IPC): envelopes become values or
// StudioCallErrors, events come from the bridge, media from the studio-media:// protocol, and the desktop-only
// abilities (menu commands, folder dialog) are offered here, so views never touch `window.studio`. No DOM or node imports.
import type { EventName, EventPayload, MethodName, MethodRequest, MethodResponse } from '../../../src-main/api/contract.js';
import type { ShellCommand, StudioBridge } from '../../../src-main/api/desktop-bridge.js';
import type { Envelope } from '../../../src-main/api/envelope.js';
import { cancelledCallError, StudioCallError } from './call-error.js';
import type { CallOptions, MediaKind, StudioClient } from './studio-client.js';

export const MEDIA_SCHEME = 'studio-media';

export function mediaUrl(kind: MediaKind, photoId: number): string {
  if (!Number.isSafeInteger(photoId) || photoId < 1) throw new RangeError(`Expected a positive integer photo id, received ${photoId}`);
  return `${MEDIA_SCHEME}://${kind}/${photoId}`;
}

/** IPC cannot stop a call in flight: on abort, reject at once and leave the late answer unobserved. */
function untilAborted<T>(answer: Promise<T>, signal: AbortSignal, method: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledCallError(method));
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export function createIpcClient(bridge: StudioBridge): StudioClient {
  return {
    transport: 'ipc',
    async call<M extends MethodName>(method: M, request: MethodRequest<M>, options: CallOptions = {}): Promise<MethodResponse<M>> {
      const { signal } = options;
      const invoke = (Object.hasOwn(bridge, method) ? bridge[method] : undefined) as (request: MethodRequest<M>) => Promise<Envelope<MethodResponse<M>>>;
      // Same answer as the core's dispatch gives over the other transports.
      if (typeof invoke !== 'function') throw new StudioCallError({ code: 'NOT_FOUND', message: `Unknown method: expected one of the StudioApi methods, received "${method}"` });
      if (signal?.aborted) throw cancelledCallError(method);
      const envelope = await (signal ? untilAborted(invoke(request), signal, method) : invoke(request));
      if (envelope.ok) return envelope.value;
      throw new StudioCallError(envelope.error);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      return bridge.on(event, listener);
    },
    mediaUrl,
    onShellCommand(listener: (command: ShellCommand) => void): () => void {
      return bridge.on('shell.command', ({ command }) => listener(command));
    },
    async pickFolder(): Promise<string | null> {
      const envelope = await bridge.pickFolder();
      if (envelope.ok) return envelope.value;
      throw new StudioCallError(envelope.error);
    },
  };
}
