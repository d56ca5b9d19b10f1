// Messages between the main process and the core host (the utility process that owns the Studio), and the
// host-side loop that answers them. Plain data only: everything crosses a MessagePort by structured clone.
import { z } from 'zod';
import type { EventName } from '../api/contract.js';
import { dispatchCall, errorEnvelope } from '../api/dispatch.js';
import type { Envelope, ErrorPayload } from '../api/envelope.js';
import { toStudioError } from '../api/errors.js';
import type { StudioEventListener } from '../core/studio.js';
import type { MediaFile, MediaKind } from './media-protocol.js';

export const HostRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.string(), request: z.unknown() }),
  z.object({ type: z.literal('media'), id: z.number().int(), kind: z.enum(['thumbnail', 'photo']), photoId: z.number().int() }),
  z.object({ type: z.literal('shutdown'), id: z.number().int() }),
]);
export type HostRequest = z.infer<typeof HostRequest>;

export type HostMessage =
  | { type: 'ready' }
  | { type: 'open-failed'; error: ErrorPayload }
  | { type: 'reply'; id: number; envelope: Envelope<unknown> }
  | { type: 'event'; event: EventName; payload: unknown };

/** The part of a Studio the host needs; `resolveMedia` is bound to its library by the caller. */
export interface HostedStudio {
  api: Parameters<typeof dispatchCall>[0];
  subscribe(listener: StudioEventListener): () => void;
  close(): Promise<void>;
  resolveMedia(kind: MediaKind, id: number): Promise<MediaFile>;
}

/** `process.parentPort` in a utility process; a fake in tests. */
export interface HostPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): unknown;
  postMessage(message: HostMessage): void;
}

type Log = (message: string, error: unknown) => void;

/** Answers requests from main until 'shutdown', which cancels jobs and closes the database (Studio.close). */
export function serveStudio(port: HostPort, studio: HostedStudio, log: Log = console.error): void {
  const unsubscribe = studio.subscribe((event, payload) => port.postMessage({ type: 'event', event, payload }));
  let closing: Promise<void> | null = null;
  const reply = (id: number, envelope: Envelope<unknown>) => port.postMessage({ type: 'reply', id, envelope });
  const fail = (id: number, error: unknown) => reply(id, errorEnvelope(toStudioError(error)));

  port.on('message', ({ data }) => {
    const parsed = HostRequest.safeParse(data);
    if (!parsed.success) {
      log('[core-host] ignored a malformed message', parsed.error);
      return;
    }
    const message = parsed.data;
    if (message.type === 'shutdown') {
      closing ??= (async () => {
        unsubscribe();
        await studio.close();
      })();
      closing.then(
        () => reply(message.id, { ok: true, value: null }),
        (error: unknown) => fail(message.id, error),
      );
      return;
    }
    if (closing) {
      reply(message.id, { ok: false, error: { code: 'UNAVAILABLE', message: 'The studio is shutting down' } });
      return;
    }
    if (message.type === 'call') {
      void dispatchCall(studio.api, message.method, message.request, log).then((envelope) => reply(message.id, envelope));
      return;
    }
    studio.resolveMedia(message.kind, message.photoId).then(
      (file) => reply(message.id, { ok: true, value: file }),
      (error: unknown) => fail(message.id, error),
    );
  });
  port.postMessage({ type: 'ready' });
}
