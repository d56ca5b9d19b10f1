// Browser mode: one node:http server over a Studio. Order of checks on every request: Host/Origin (DNS
// rebinding, cross-site), then the request target (before any URL parsing), then the token, then the route. No
// CORS headers are ever sent; every log line is token-redacted.
import http from 'node:http';
import { inspect } from 'node:util';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLogger } from '../api/dispatch.js';
import { StudioError } from '../api/errors.js';
import type { Studio } from '../core/studio.js';
import { API_CALL_PREFIX, handleApiCall } from './api-route.js';
import { checkToken, createToken, redactTokens, tokenCookie } from './auth.js';
import { handleEvents } from './events-route.js';
import { MEDIA_PREFIX, handleMedia } from './media-route.js';
import { allowedHosts, checkHostAndOrigin, isLoopbackHost, serverUrl } from './request-guard.js';
import { parseRequestTarget } from './request-target.js';
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

/** Every server log line goes through this: request targets and errors may carry `?token=`. */
function redactingLog(log: ServerLog, token: string): ServerLog {
  const redact = (value: unknown): unknown => {
    if (value instanceof Error) {
      const copy = new Error(redactTokens(value.message, token));
      copy.name = value.name;
      copy.stack = value.stack === undefined ? undefined : redactTokens(value.stack, token);
      return copy;
    }
    return redactTokens(typeof value === 'string' ? value : inspect(value), token);
  };
  return {
    warn: (message) => log.warn(redactTokens(message, token)),
    error: (message, error) => log.error(redactTokens(message, token), redact(error)),
  };
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const allowRemote = options.allowRemote ?? false;
  const token = options.token ?? createToken();
  const log = redactingLog(options.log ?? defaultLog, token);
  if (!isLoopbackHost(host)) {
    if (!allowRemote) {
      throw new StudioError('INVALID_INPUT', `Refusing to listen on ${host}: expected a loopback address (127.0.0.1, ::1, localhost), or pass --allow-remote to expose the studio to the network`);
    }
    log.warn(`WARNING: listening on ${host}: anyone who can reach this address and has the token can read and change the library. Traffic is not encrypted.`);
  }
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
  return {
    url: serverUrl(host, port, token),
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
  const target = parseRequestTarget(req.url ?? '');
  if (!target.ok) return sendError(res, target.status, 'INVALID_INPUT', target.reason);
  // Routes match the raw path (not URL-normalised), so encoded or dotted tricks cannot reach another route.
  const { pathname } = target;
  const auth = checkToken(req, target.query, ctx.port, ctx.token);
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
