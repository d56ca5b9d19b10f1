// Main-process side of the core host: sends calls to the utility process, matches replies, relays events,
// and shuts it down. Takes the child as a small interface (Electron's UtilityProcess fits; tests pass a fake).
import type { EventName, MethodName } from '../api/contract.js';
import type { Envelope } from '../api/envelope.js';
import { StudioError } from '../api/errors.js';
import type { MediaFile, MediaKind } from './media-protocol.js';
import type { HostMessage, HostRequest } from './core-host-protocol.js';

export interface HostChild {
  postMessage(message: HostRequest): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export type CoreEventListener = (event: EventName, payload: unknown) => void;

/** How long shutdown waits for jobs to stop and the database to close before killing the host. */
export const SHUTDOWN_TIMEOUT_MS = 15_000;

export interface CoreClient {
  /** Resolves when the host opened the library; rejects with its error otherwise. */
  readonly ready: Promise<void>;
  call(method: MethodName, request: unknown): Promise<Envelope<unknown>>;
  resolveMedia(kind: MediaKind, id: number): Promise<MediaFile | null>;
  onEvent(listener: CoreEventListener): () => void;
  /** Cancels running jobs and closes the database in the host, then ends it. Safe to call twice. */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** `details.unreachable`: the renderer shows its connection banner (and probes) instead of one error per action. */
function unavailable(message: string): Envelope<never> {
  return { ok: false, error: { code: 'UNAVAILABLE', message, details: { unreachable: true } } };
}

export function connectCore(
  child: HostChild,
  log: (message: string, error?: unknown) => void = console.error,
  onUnexpectedExit: (code: number) => void = () => undefined,
): CoreClient {
  let nextId = 1;
  let exited = false;
  let openFailed = false;
  let shuttingDown: Promise<void> | null = null;
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const listeners = new Set<CoreEventListener>();
  let settleReady: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  ready.catch(() => undefined); // observed by callers that care; never an unhandled rejection

  child.on('message', (raw) => {
    const message = raw as HostMessage; // the host is our own code; replies are shaped by core-host-protocol
    switch (message.type) {
      case 'ready':
        settleReady?.resolve();
        break;
      case 'open-failed':
        openFailed = true;
        settleReady?.reject(new StudioError(message.error.code, message.error.message));
        break;
      case 'reply':
        pending.get(message.id)?.(message.envelope);
        pending.delete(message.id);
        break;
      case 'event':
        for (const listener of listeners) listener(message.event, message.payload);
        break;
    }
  });
  child.on('exit', (code) => {
    exited = true;
    if (!shuttingDown) log(`[core-host] exited unexpectedly with code ${code}`);
    settleReady?.reject(new StudioError('UNAVAILABLE', `The core process exited with code ${code}`));
    for (const resolve of pending.values()) resolve(unavailable(`The core process exited with code ${code}`));
    pending.clear();
    if (!shuttingDown) onUnexpectedExit(code);
  });

  function send(request: WithoutId<HostRequest>): Promise<Envelope<unknown>> {
    if (exited || openFailed) return Promise.resolve(unavailable('The core process is not running'));
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      child.postMessage({ ...request, id } as HostRequest);
    });
  }

  return {
    ready,
    call(method, request) {
      if (shuttingDown) return Promise.resolve(unavailable('The studio is shutting down'));
      return send({ type: 'call', method, request });
    },
    async resolveMedia(kind, photoId) {
      const envelope = await send({ type: 'media', kind, photoId });
      if (envelope.ok) return envelope.value as MediaFile;
      if (envelope.error.code === 'NOT_FOUND') return null;
      throw new StudioError(envelope.error.code, envelope.error.message);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    shutdown(timeoutMs = SHUTDOWN_TIMEOUT_MS) {
      shuttingDown ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<Envelope<unknown>>((resolve) => {
          timer = setTimeout(() => resolve(unavailable('timed out')), timeoutMs);
        });
        const result = await Promise.race([send({ type: 'shutdown' }), timeout]);
        clearTimeout(timer);
        if (!result.ok) log(`[core-host] shutdown: ${result.error.message}`);
        if (!exited) child.kill();
      })();
      return shuttingDown;
    },
  };
}
