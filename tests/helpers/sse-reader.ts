// Reads a Server-Sent Events stream in tests (Node 20 has no EventSource): parsed events, waiting for one.
import http from 'node:http';

export interface SseEvent {
  event: string;
  data: string;
}

export interface SseConnection {
  status: number;
  events: SseEvent[];
  waitFor(match: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
  /** resolves when the server ends the stream */
  ended: Promise<void>;
}

export function openSse(url: string, headers: Record<string, string> = {}, onEvent?: (event: SseEvent) => void): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const events: SseEvent[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length === 0) continue;
          events.push({ event, data: data.join('\n') });
          onEvent?.({ event, data: data.join('\n') });
        }
        for (const wake of waiters) wake();
      });
      const ended = new Promise<void>((done) => {
        res.on('end', done);
        res.on('close', done);
      });
      resolve({
        status: res.statusCode ?? 0,
        events,
        ended,
        close: () => req.destroy(),
        waitFor(match, timeoutMs = 5_000) {
          return new Promise((found, fail) => {
            const check = () => {
              const hit = events.find(match);
              if (!hit) return;
              clearTimeout(timer);
              waiters.delete(check);
              found(hit);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no matching event within ${timeoutMs} ms; received ${JSON.stringify(events)}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
      });
    });
    req.on('error', reject);
  });
}

/**
 * An EventSource look-alike on top of openSse, for the renderer's HTTP client under Node: dispatches the stream's
 * events, `open` once the server answered, and `error` when the stream cannot be opened or ends.
 */
export function sseEventSource(url: string): {
  addEventListener(type: string, listener: (event: { data: string }) => void): void;
  close(): void;
  /** resolves once the server has answered (events sent from then on arrive); rejects when it cannot be reached */
  opened: Promise<unknown>;
} {
  const listeners = new Map<string, Array<(event: { data: string }) => void>>();
  let closed = false;
  const dispatch = (type: string, data = '') => {
    if (closed) return;
    for (const listener of listeners.get(type) ?? []) listener({ data });
  };
  const connection = openSse(url, {}, (e) => dispatch(e.event, e.data));
  connection.then(
    (c) => {
      dispatch('open');
      void c.ended.then(() => dispatch('error'));
    },
    () => dispatch('error'),
  );
  return {
    opened: connection,
    addEventListener(type, listener) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
    close() {
      closed = true;
      connection.then((c) => c.close(), () => undefined);
    },
  };
}
