// Browser mode: one node:http server over a Studio. Order of checks on every request: Host/Origin (DNS
// rebinding, cross-site), then the token, then the route. No CORS headers are ever sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLogger } from '../api/dispatch.js';
import { StudioError } from '../api/errors.js';
import type { Studio } from '../core/studio.js';
import { API_CALL_PREFIX, handleApiCall } from './api-route.js';
import { checkToken, createToken, tokenCookie } from './auth.js';
import { handleEvents } from './events-route.js';
import { MEDIA_PREFIX, handleMedia } from './media-route.js';
import { allowedHosts, checkHostAndOrigin, hostForUrl, isLoopbackHost, isWildcardHost } from './request-guard.js';
import { sendError, setSecurityHeaders } from './respond.js';
import { handleStatic } from './static-route.js';

export interface ServerLog {
  warn(message: string): void;
  error: CallLogger;
}

export interface ServerOptions {
  studio: Pick<Studio, 'api' | 'media' | 'subscribe'>;
  host?: string;
  /** 0 (default) lets the OS pick a free port */
  port?: number;
  /** required to bind anything but a loopback address */
  allowRemote?: boolean;
  /** the built renderer (dist/renderer) */
  rendererDir: string;
  /** fixed token for tests; a random one otherwise */
  token?: string;
  log?: ServerLog;
}

export interface RunningServer {
  /** the address to open, with the token (print it like Jupyter does) */
  url: string;
  port: number;
  host: string;
  token: string;
  close(): Promise<void>;
}

const defaultLog: ServerLog = {
  warn: (message) => console.warn(message),
  error: (message, error) => console.error(message, error instanceof Error ? (error.stack ?? error.message) : error),
};

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const allowRemote = options.allowRemote ?? false;
  const log = options.log ?? defaultLog;
  if (!isLoopbackHost(host)) {
    if (!allowRemote) {
      throw new StudioError('INVALID_INPUT', `Refusing to listen on ${host}: expected a loopback address (127.0.0.1, ::1, localhost), or pass --allow-remote to expose the studio to the network`);
    }
    log.warn(`WARNING: listening on ${host}: anyone who can reach this address and has the token can read and change the library. Traffic is not encrypted.`);
  }
  const token = options.token ?? createToken();
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hosts = allowedHosts(host, port, allowRemote);
  const context: RequestContext = { ...options, token, port, hosts, log };
  server.on('request', (req, res) => {
    handleRequest(req, res, context).catch((error: unknown) => {
      log.error(`[studio] ${req.method ?? ''} ${req.url ?? ''} failed`, error);
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Internal error; the details are in the studio log');
      else res.destroy();
    });
  });
  const urlHost = isWildcardHost(host) ? '127.0.0.1' : hostForUrl(host);
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    port,
    host,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Event streams never end on their own.
        server.closeAllConnections();
      }),
  };
}

interface RequestContext extends ServerOptions {
  token: string;
  port: number;
  hosts: ReadonlySet<string>;
  log: ServerLog;
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
  setSecurityHeaders(res);
  const guard = checkHostAndOrigin(req, ctx.hosts);
  if (!guard.ok) return sendError(res, 403, 'INVALID_INPUT', guard.reason);
  const rawUrl = req.url ?? '';
  if (!rawUrl.startsWith('/')) return sendError(res, 400, 'INVALID_INPUT', 'Invalid request target');
  // Routes match the raw path (not URL-normalised), so encoded or dotted tricks cannot reach another route.
  const pathname = rawUrl.split('?', 1)[0] ?? '/';
  const url = new URL(rawUrl, 'http://studio.invalid');
  const auth = checkToken(req, url, ctx.port, ctx.token);
  if (auth.result === 'missing') {
    return sendError(res, 401, 'INVALID_INPUT', 'Token required: open the URL printed by `studio serve` (it ends with ?token=…)', { 'WWW-Authenticate': 'Bearer' });
  }
  if (auth.result === 'wrong') return sendError(res, 403, 'INVALID_INPUT', 'Wrong token: open the URL printed by the running `studio serve`');
  if (auth.fromQuery) res.setHeader('Set-Cookie', tokenCookie(ctx.port, ctx.token));

  if (pathname.startsWith(API_CALL_PREFIX)) return handleApiCall(req, res, pathname, ctx.studio.api, ctx.log.error);
  if (pathname === '/api/events') {
    if (req.method !== 'GET') return sendError(res, 405, 'INVALID_INPUT', 'Method not allowed: expected GET', { Allow: 'GET' });
    return handleEvents(req, res, ctx.studio);
  }
  if (pathname.startsWith('/api/')) return sendError(res, 404, 'NOT_FOUND', 'Not found');
  if (pathname.startsWith(MEDIA_PREFIX)) return handleMedia(req, res, pathname, ctx.studio, ctx.log.error);
  return handleStatic(req, res, pathname, ctx.rendererDir);
}
