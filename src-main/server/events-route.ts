// GET /api/events: the studio's events (job.progress, job.finished, library.changed) as Server-Sent Events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Studio } from '../core/studio.js';

/** Keeps proxies and idle timers from closing a quiet stream. */
export const SSE_HEARTBEAT_MS = 15_000;
const RECONNECT_DELAY_MS = 2_000;

export function handleEvents(req: IncomingMessage, res: ServerResponse, studio: Pick<Studio, 'subscribe'>): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write(`retry: ${RECONNECT_DELAY_MS}\n: connected\n\n`);
  const unsubscribe = studio.subscribe((event, payload) => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS);
  heartbeat.unref();
  const stop = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', stop);
  res.on('close', stop);
}
