// The renderer's one door to the core. Two transports implement it (HTTP+SSE in browser mode, IPC in Electron);
// views never know which one they have.
import type { EventName, EventPayload, MethodName, MethodRequest, MethodResponse } from '../../../src-main/api/contract.js';
import type { ShellCommand } from '../../../src-main/api/desktop-bridge.js';

export type MediaKind = 'thumbnail' | 'photo';

export interface CallOptions {
  /** Aborting rejects the call at once with a StudioCallError of code CANCELLED; a late answer is ignored. */
  signal?: AbortSignal;
}

/** What a transport can tell about its link to the core: its event stream opened, or was lost. */
export type ConnectionSignal = 'open' | 'lost';

export interface StudioClient {
  readonly transport: 'http' | 'ipc';
  call<M extends MethodName>(method: M, request: MethodRequest<M>, options?: CallOptions): Promise<MethodResponse<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** URL of a photo's thumbnail or upright full image, addressed by library id only. */
  mediaUrl(kind: MediaKind, photoId: number): string;
  /** Transports with an event stream report it here (HTTP); others show a lost core only by failed calls (IPC). */
  onConnection?(listener: (state: ConnectionSignal) => void): () => void;
  /** Reopens a lost event stream (after the server answered again). */
  resume?(): void;
  /** Desktop only: the native menu's commands (undo, view switches…), which it owns so they work app-wide. */
  onShellCommand?(listener: (command: ShellCommand) => void): () => void;
  /** Desktop only: the native folder dialog; null when the person cancels. */
  pickFolder?(): Promise<string | null>;
}
