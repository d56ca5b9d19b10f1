// Every request must name this server (Host), come from it (Origin), and carry the token — media and events included.
import { beforeAll, describe, expect, it } from 'vitest';
import { tokenCookieName } from '../../src-main/server.js';
import { rawRequest } from '../helpers/http-request.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});

const PROTECTED = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/assets/app.js' },
  { method: 'POST', path: '/api/call/classes.list' },
  // the folder picker lists the server's folders: never without the token
  { method: 'POST', path: '/api/call/folders.browse' },
  { method: 'POST', path: '/api/call/photos.remove' },
  { method: 'GET', path: '/api/events' },
  { method: 'GET', path: '/media/thumbnail/1' },
  { method: 'GET', path: '/media/photo/1' },
];

function hostHeader(): string {
  return `127.0.0.1:${t.server.port}`;
}

describe('the token', () => {
  it('is 24 random bytes in base64url, and is part of the printed URL', () => {
    expect(t.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(t.server.url).toBe(`http://127.0.0.1:${t.server.port}/?token=${t.token}`);
  });

  it.each(PROTECTED)('is required on $method $path (401 without it)', async ({ method, path }) => {
    const res = await rawRequest(t.server.port, { method, path, headers: { Host: hostHeader(), 'Content-Type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  const wrong = 'x'.repeat(32);
  it.each([
    ['an Authorization bearer', { Authorization: `Bearer ${wrong}` }, ''],
    ['an X-Studio-Token header', { 'X-Studio-Token': wrong }, ''],
    ['a query parameter', {}, `?token=${wrong}`],
    ['a cookie', { Cookie: `other=1; studio_token_PORT=${wrong}` }, ''],
    ['a prefix of the right token', { 'X-Studio-Token': 'PREFIX' }, ''],
  ])('is refused with 403 when wrong, sent as %s', async (_how, headers, query) => {
    const sent: Record<string, string> = { Host: hostHeader() };
    for (const [k, v] of Object.entries(headers)) sent[k] = v.replace('PORT', String(t.server.port)).replace('PREFIX', t.token.slice(0, 31));
    const res = await rawRequest(t.server.port, { path: `/api/events${query}`, headers: sent });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain(t.token);
  });

  it.each([
    ['an Authorization bearer', () => ({ Authorization: `Bearer ${t.token}` }), ''],
    ['an X-Studio-Token header', () => ({ 'X-Studio-Token': t.token }), ''],
    ['a query parameter', () => ({}), 'QUERY'],
    ['the cookie', () => ({ Cookie: `${tokenCookieName(t.server.port)}=${t.token}` }), ''],
  ])('is accepted as %s', async (_how, headers, query) => {
    const res = await rawRequest(t.server.port, {
      path: `/assets/app.js${query ? `?token=${t.token}` : ''}`,
      headers: { Host: hostHeader(), ...headers() },
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('console.log');
  });

  it('given in the page URL, sets an HttpOnly SameSite=Strict cookie that later requests can use', async () => {
    const page = await rawRequest(t.server.port, { path: `/?token=${t.token}`, headers: { Host: hostHeader() } });
    expect(page.status).toBe(200);
    const cookie = page.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toContain(`${tokenCookieName(t.server.port)}=${t.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const image = await rawRequest(t.server.port, { path: '/media/thumbnail/999999', headers: { Host: hostHeader(), Cookie: cookie.split(';')[0]! } });
    expect(image.status).toBe(404);
  });

  it('sent as a header sets no cookie', async () => {
    const res = await rawRequest(t.server.port, { path: '/', headers: { Host: hostHeader(), 'X-Studio-Token': t.token } });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('the Host header check (DNS rebinding)', () => {
  it.each(['evil.example', 'evil.example:PORT', '127.0.0.1:1', 'localhost', '127.0.0.2:PORT', '0.0.0.0:PORT'])('refuses Host %s with 403, token or not', async (host) => {
    const res = await rawRequest(t.server.port, { path: '/', headers: { Host: host.replace('PORT', String(t.server.port)), 'X-Studio-Token': t.token } });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('studio test shell');
  });

  it.each(['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]'])('accepts %s with the right port', async (name) => {
    const res = await rawRequest(t.server.port, { path: '/', headers: { Host: `${name}:${t.server.port}`, 'X-Studio-Token': t.token } });
    expect(res.status).toBe(200);
  });
});

describe('the Origin check (no CORS)', () => {
  it.each(['http://evil.example', 'null', 'http://localhost:1', 'https://127.0.0.1:PORT'])('refuses a request from origin %s with 403', async (origin) => {
    const before = t.counts();
    const res = await rawRequest(t.server.port, {
      method: 'POST',
      path: '/api/call/classes.create',
      headers: { Host: hostHeader(), Origin: origin.replace('PORT', String(t.server.port)), 'X-Studio-Token': t.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'from another site' }),
    });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(t.counts()).toEqual(before);
  });

  it('refuses a cross-site request that carries no Origin but says Sec-Fetch-Site: cross-site', async () => {
    const res = await rawRequest(t.server.port, { path: '/media/thumbnail/1', headers: { Host: hostHeader(), 'Sec-Fetch-Site': 'cross-site', 'X-Studio-Token': t.token } });
    expect(res.status).toBe(403);
  });

  it('accepts its own origin', async () => {
    const res = await rawRequest(t.server.port, {
      method: 'POST',
      path: '/api/call/classes.list',
      headers: { Host: hostHeader(), Origin: `http://${hostHeader()}`, 'X-Studio-Token': t.token, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
      body: '{}',
    });
    expect(res.status).toBe(200);
  });
});

describe('security headers', () => {
  it.each([
    ['a page', '/', true],
    ['a refused request', '/', false],
    ['an API error', '/api/call/nope', true],
  ])('are on %s, and no CORS header is', async (_what, path, withToken) => {
    const res = await rawRequest(t.server.port, { path, headers: { Host: hostHeader(), ...(withToken ? { 'X-Studio-Token': t.token } : {}) } });
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});
