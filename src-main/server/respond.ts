// Response helpers: the security headers every response carries, JSON envelopes, plain errors.
import type { ServerResponse } from 'node:http';
import type { Envelope } from '../api/envelope.js';
import type { ErrorCode } from '../api/errors.js';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'; script-src 'self'; " +
  "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Deliberately no Access-Control-* headers: browsers then refuse other origins' reads. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** HTTP status of each StudioError code (499 is nginx's "client closed request", the nearest to a cancel). */
export const HTTP_STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CANCELLED: 499,
  UNSUPPORTED_FILE: 415,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function statusOfEnvelope(envelope: Envelope<unknown>): number {
  return envelope.ok ? 200 : HTTP_STATUS_OF[envelope.error.code];
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendEnvelope(res: ServerResponse, envelope: Envelope<unknown>, status = statusOfEnvelope(envelope)): void {
  sendJson(res, status, envelope);
}

/** An error answered before any route runs (auth, host, bad path): the same envelope shape, no details. */
export function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string, extraHeaders: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  sendEnvelope(res, { ok: false, error: { code, message } }, status);
}
