// The access token (as Jupyter does): made once per server, required on every request, compared in constant time.
// Accepted as `Authorization: Bearer`, `X-Studio-Token`, `?token=`, or the HttpOnly cookie set on the first page load.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_BYTES = 24;
export const TOKEN_HEADER = 'x-studio-token';

export function createToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Cookies are shared by every port of a host, so the name carries the port: two servers don't overwrite each other. */
export function tokenCookieName(port: number): string {
  return `studio_token_${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

export type TokenCheck =
  | { result: 'ok'; fromQuery: boolean }
  | { result: 'missing' }
  | { result: 'wrong' };

/** Compares digests so the time taken depends neither on the token's content nor on its length. */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function checkToken(req: IncomingMessage, query: URLSearchParams, port: number, expected: string): TokenCheck {
  const fromQuery = query.get('token');
  const candidates: Array<{ value: string; fromQuery: boolean }> = [];
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) candidates.push({ value: bearer, fromQuery: false });
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string' && header) candidates.push({ value: header, fromQuery: false });
  if (fromQuery) candidates.push({ value: fromQuery, fromQuery: true });
  const cookie = readCookie(req.headers.cookie, tokenCookieName(port));
  if (cookie) candidates.push({ value: cookie, fromQuery: false });
  if (candidates.length === 0) return { result: 'missing' };
  // Check every candidate (no early exit) so timing does not reveal which one matched.
  let match: { fromQuery: boolean } | undefined;
  for (const candidate of candidates) if (tokensEqual(candidate.value, expected) && !match) match = candidate;
  return match ? { result: 'ok', fromQuery: match.fromQuery } : { result: 'wrong' };
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Text safe for a log: any `token=` value (query or cookie) and the token itself replaced by `<redacted>`. */
export function redactTokens(text: string, token: string): string {
  return text.replace(/(token(?:_\d+)?=)[^&\s;"']*/gi, '$1<redacted>').replaceAll(token, '<redacted>');
}
