// Malformed request targets are answered 4xx before any URL parsing or route, with nothing logged; tokens never reach the log.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRequestTarget, MAX_TARGET_LENGTH } from '../../src-main/server/request-target.js';
import { rawTargetRequest } from '../helpers/http-request.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const logged: string[] = [];
const log = {
  warn: (message: string) => logged.push(message),
  error: (message: string, error: unknown) => logged.push(`${message} ${error instanceof Error ? (error.stack ?? '') : String(error)}`),
};

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ log });
  logged.length = 0;
});

const MALFORMED: Array<[string, string, number]> = [
  ['the empty authority "//"', '//', 400],
  ['"//" with a token in the query', '//?token=TOKEN', 400],
  ['a protocol-relative path', '//evil.example/x', 400],
  ['an absolute-form target', 'http://evil.example/', 400],
  ['the asterisk form', '*', 400],
  ['an encoded NUL in the path', '/assets/app.js%00.html', 400],
  ['an encoded NUL in the query', '/?token=TOKEN%00', 400],
  ['a truncated percent escape', '/assets/app.js%E0%A4%A', 400],
  ['a non-hex percent escape', '/%zz', 400],
  ['a lone "%" in the query', '/?q=%', 400],
  ['a target one character over the limit', `/${'a'.repeat(MAX_TARGET_LENGTH)}`, 414],
];

describe('a malformed request target', () => {
  it.each(MALFORMED)('is refused when it is %s, without a token', async (_what, target, status) => {
    const res = await rawTargetRequest(t.server.port, target.replaceAll('TOKEN', 'x'.repeat(32)));
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(res.body).not.toMatch(/\bat .+:\d+:\d+/);
    expect(logged).toEqual([]);
  });

  it.each(MALFORMED)('is refused when it is %s, with the right token', async (_what, target, status) => {
    const res = await rawTargetRequest(t.server.port, target.replaceAll('TOKEN', t.token), { headers: { 'X-Studio-Token': t.token } });
    expect(res.status).toBe(status);
    expect(res.body).not.toContain(t.token);
    expect(logged).toEqual([]);
  });

  it('with OPTIONS * is refused the same way', async () => {
    const res = await rawTargetRequest(t.server.port, '*', { method: 'OPTIONS', headers: { 'X-Studio-Token': t.token } });
    expect(res.status).toBe(400);
    expect(logged).toEqual([]);
  });

  it.each([
    ['a raw NUL byte', Buffer.from('/\0x')],
    ['a target longer than node allows for a request head', `/${'a'.repeat(20_000)}`],
  ])('is refused by node itself when it carries %s, and the server keeps serving', async (_what, target) => {
    const res = await rawTargetRequest(t.server.port, target);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const after = await rawTargetRequest(t.server.port, '/assets/app.js', { headers: { 'X-Studio-Token': t.token } });
    expect(after.status).toBe(200);
    expect(logged).toEqual([]);
  });

  it('leaves well-formed targets alone: the path raw, the query decoded', () => {
    const parsed = parseRequestTarget('/assets/a%20b.js?token=abc&x=1%2B1');
    expect(parsed).toMatchObject({ ok: true, pathname: '/assets/a%20b.js' });
    expect(parsed.ok && parsed.query.get('token')).toBe('abc');
    expect(parsed.ok && parsed.query.get('x')).toBe('1+1');
  });
});

describe('the log', () => {
  it('never receives the token when a request with ?token= fails inside the server', async () => {
    const failing = await startTestServer({
      log,
      wrapStudio: (studio) => ({
        api: studio.api,
        media: studio.media.bind(studio),
        subscribe: () => {
          throw new Error(`subscriber refused for ${failingUrl}`);
        },
      }),
    });
    const failingUrl = `/api/events?token=${failing.token}`;
    logged.length = 0;
    // The stream's head is already sent when subscribing throws, so the server drops the connection.
    await rawTargetRequest(failing.server.port, failingUrl);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('GET /api/events?token=<redacted> failed');
    expect(logged[0]).toContain('subscriber refused for /api/events?token=<redacted>');
    expect(logged[0]).not.toContain(failing.token);
    logged.length = 0;
  });
});
