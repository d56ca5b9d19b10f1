// StudioClient over HTTP (browser mode): POST /api/call/<method>, events from one shared EventSource on
// /api/events (its open and error are the connection's heartbeat: a lost stream is closed and reopened by
// `resume()` once the connection monitor has reached the server again), media by id. The server's HttpOnly cookie authenticates; a ?token= in the page URL is also
// sent as a header and then removed from the address bar. DOM-only: no node imports.
import type { EventName, EventPayload, MethodName, MethodRequest, MethodResponse } from '../../../src-main/api/contract.js';
import type { Envelope } from '../../../src-main/api/envelope.js';
import { cancelledCallError, StudioCallError } from './call-error.js';
import { UNREACHABLE } from './call-error.js';
import type { CallOptions, ConnectionSignal, MediaKind, StudioClient } from './studio-client.js';

/** The parts of the DOM's EventSource used here (declared so the file also type-checks without the DOM lib). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data: string }) => void): void;
  close(): void;
}
export type EventSourceFactory = (url: string) => EventSourceLike;
type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; credentials: 'same-origin'; signal?: AbortSignal },
) => Promise<{
  status: number;
  json(): Promise<unknown>;
}>;

export interface HttpClientOptions {
  /** '' (same origin, the default in the page) or e.g. 'http://127.0.0.1:8123' */
  baseUrl?: string;
  token?: string;
  fetch?: FetchLike;
  eventSource?: EventSourceFactory;
}

interface BrowserGlobals {
  fetch?: FetchLike;
  EventSource?: new (url: string) => EventSourceLike;
  location?: { href: string };
  history?: { replaceState(data: unknown, unused: string, url: string): void };
}

/** Reads ?token= from the page URL once and removes it from the address bar (and from history). */
export function takeTokenFromPageUrl(): string | undefined {
  const g = globalThis as BrowserGlobals;
  if (!g.location) return undefined;
  const url = new URL(g.location.href);
  const token = url.searchParams.get('token') ?? undefined;
  if (token) {
    url.searchParams.delete('token');
    g.history?.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return token;
}

export function createHttpClient(options: HttpClientOptions = {}): StudioClient {
  const g = globalThis as BrowserGlobals;
  const baseUrl = options.baseUrl ?? '';
  const token = options.token;
  const doFetch = options.fetch ?? g.fetch?.bind(globalThis);
  const openEvents = options.eventSource ?? ((url: string) => {
    if (!g.EventSource) throw new Error('EventSource is not available here');
    return new g.EventSource(url);
  });
  if (!doFetch) throw new Error('fetch is not available here');

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionSignal) => void>();
  let source: EventSourceLike | undefined;
  const subscribed = new Set<EventName>();
  const signal = (state: ConnectionSignal) => {
    for (const listener of connectionListeners) listener(state);
  };

  function listenOn(target: EventSourceLike, event: EventName): void {
    target.addEventListener(event, (message) => {
      let payload: unknown;
      try {
        payload = JSON.parse(message.data);
      } catch {
        return;
      }
      for (const listener of listeners.get(event) ?? []) listener(payload);
    });
  }

  function openSource(): EventSourceLike {
    // EventSource cannot send headers: the cookie authenticates, or the token in the query when we have one.
    const opened = openEvents(`${baseUrl}/api/events${token ? `?token=${encodeURIComponent(token)}` : ''}`);
    opened.addEventListener('open', () => signal('open'));
    // The browser would retry on its own at a fixed pace, and give up for good on a 401: the monitor decides instead.
    opened.addEventListener('error', () => {
      if (source !== opened) return;
      opened.close();
      source = undefined;
      signal('lost');
    });
    for (const event of subscribed) listenOn(opened, event);
    return opened;
  }

  function ensureSubscribed(event: EventName): void {
    source ??= openSource();
    if (subscribed.has(event)) return;
    subscribed.add(event);
    listenOn(source, event);
  }

  return {
    transport: 'http',
    async call<M extends MethodName>(method: M, request: MethodRequest<M>, options: CallOptions = {}): Promise<MethodResponse<M>> {
      const { signal } = options;
      if (signal?.aborted) throw cancelledCallError(method);
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (token) headers['X-Studio-Token'] = token;
      let response: Awaited<ReturnType<FetchLike>>;
      try {
        const init = { method: 'POST', headers, body: JSON.stringify(request), credentials: 'same-origin' as const };
        response = await doFetch(`${baseUrl}/api/call/${method}`, signal ? { ...init, signal } : init);
      } catch (error) {
        if (signal?.aborted) throw cancelledCallError(method);
        throw new StudioCallError({ code: 'UNAVAILABLE', message: `Cannot reach the studio server: ${error instanceof Error ? error.message : String(error)}`, details: UNREACHABLE });
      }
      let envelope: Envelope<MethodResponse<M>>;
      try {
        envelope = (await response.json()) as Envelope<MethodResponse<M>>;
      } catch {
        if (signal?.aborted) throw cancelledCallError(method);
        throw new StudioCallError({ code: 'UNAVAILABLE', message: `The studio server answered ${response.status} without a result` });
      }
      if (signal?.aborted) throw cancelledCallError(method);
      if (envelope.ok) return envelope.value;
      throw new StudioCallError(envelope.error);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const untyped = listener as (payload: unknown) => void;
      set.add(untyped);
      ensureSubscribed(event);
      return () => {
        set.delete(untyped);
        if ([...listeners.values()].every((s) => s.size === 0)) {
          source?.close();
          source = undefined;
          subscribed.clear();
        }
      };
    },
    mediaUrl(kind: MediaKind, photoId: number): string {
      return `${baseUrl}/media/${kind}/${photoId}`;
    },
    onConnection(listener: (state: ConnectionSignal) => void): () => void {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    resume(): void {
      if (!source && subscribed.size > 0) source = openSource();
    },
  };
}
