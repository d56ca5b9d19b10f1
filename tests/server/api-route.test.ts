// POST /api/call/<method>: bad input is refused before the core runs (nothing changes), errors keep their code.
import http from 'node:http';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_BODY_BYTES } from '../../src-main/server/read-body.js';
import { openSse } from '../helpers/sse-reader.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});

async function post(method: string, body: string | Buffer, contentType = 'application/json') {
  const response = await fetch(`${t.base}/api/call/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, 'X-Studio-Token': t.token },
    body,
  });
  return { status: response.status, body: (await response.json()) as { ok: boolean; error?: { code: string; message: string; details?: unknown } } };
}

describe('POST /api/call/<method>', () => {
  it('creates a class, lists it, and pushes library.changed to an open event stream', async () => {
    const events = await openSse(`${t.base}/api/events`, { 'X-Studio-Token': t.token });
    expect(events.status).toBe(200);
    const created = await t.call('classes.create', { name: 'alpaca' });
    expect(created).toMatchObject({ status: 200, envelope: { ok: true, value: { name: 'alpaca', photoCount: 0 } } });
    const listed = await t.call('classes.list', {});
    expect(listed.envelope).toEqual({ ok: true, value: [expect.objectContaining({ name: 'alpaca' })] });
    const changed = await events.waitFor((e) => e.event === 'library.changed');
    expect(JSON.parse(changed.data)).toEqual({ what: 'classes' });
    events.close();
  });

  it('labels photos and the label is in the database when the answer arrives', async () => {
    const cls = await t.call('classes.create', { name: 'landscape' });
    const classId = (cls.envelope as { value: { id: number } }).value.id;
    const res = await t.call('labels.set', { photoIds: t.photoIds.slice(0, 3), classId });
    expect(res.envelope).toMatchObject({ ok: true, value: { changed: 3 } });
    expect(t.studio.library.db.prepare('SELECT COUNT(*) FROM labels WHERE class_id = ?').pluck().get(classId)).toBe(3);
  });

  it.each([
    ['invalid JSON', '{"name": "x"', 400, 'INVALID_INPUT'],
    ['a JSON array', '[]', 400, 'INVALID_INPUT'],
    ['a schema-invalid body (empty name)', '{"name": ""}', 400, 'INVALID_INPUT'],
    ['a schema-invalid body (slash in name)', '{"name": "a/b"}', 400, 'INVALID_INPUT'],
  ])('refuses %s with %i and changes nothing', async (_what, body, status, code) => {
    const before = t.counts();
    const res = await post('classes.create', body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ ok: false, error: { code } });
    expect(t.counts()).toEqual(before);
  });

  it('lists the schema issues of an invalid request', async () => {
    const before = t.counts();
    const res = await post('labels.set', JSON.stringify({ photoIds: ['one'], classId: 1, source: 'hacker' }));
    expect(res.status).toBe(400);
    const issues = (res.body.error?.details as { issues: Array<{ path: string[] }> }).issues;
    expect(issues.map((i) => i.path.join('.')).sort()).toEqual(['photoIds.0', 'source']);
    expect(t.counts()).toEqual(before);
  });

  it('refuses a body that is not declared as JSON with 415', async () => {
    const before = t.counts();
    const res = await post('classes.create', '{"name":"form post"}', 'text/plain');
    expect(res.status).toBe(415);
    expect(t.counts()).toEqual(before);
  });

  it('refuses a 2 MiB body with 413 and changes nothing', async () => {
    const before = t.counts();
    const body = JSON.stringify({ name: 'big', padding: 'x'.repeat(2 * 1024 * 1024) });
    const res = await post('classes.create', body);
    expect(res.status).toBe(413);
    expect(t.counts()).toEqual(before);
  });

  it('refuses an oversized body sent in chunks without a Content-Length', async () => {
    const before = t.counts();
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${t.base}/api/call/classes.create`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Studio-Token': t.token } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(`{"name":"chunked","padding":"`);
      const chunk = 'y'.repeat(64 * 1024);
      for (let sent = 0; sent <= MAX_BODY_BYTES; sent += chunk.length) req.write(chunk);
      req.end('"}');
    });
    expect(status).toBe(413);
    expect(t.counts()).toEqual(before);
  });

  it('treats an empty body as an empty request', async () => {
    const res = await post('classes.list', '');
    expect(res.status).toBe(200);
  });

  it.each(['nope.nothing', 'constructor', '__proto__', 'toString', 'classes.list%2F..', 'classes.list/extra'])('answers 404 for the unknown method %s', async (method) => {
    const res = await post(method, '{}');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('answers 405 to GET', async () => {
    const res = await fetch(`${t.base}/api/call/classes.list`, { headers: { 'X-Studio-Token': t.token } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('maps CONFLICT to 409 and NOT_FOUND to 404, with the core message', async () => {
    await t.call('classes.create', { name: 'twice' });
    const again = await t.call('classes.create', { name: 'twice' });
    expect(again.status).toBe(409);
    expect(again.envelope).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'A class named "twice" already exists' } });
    const missing = await t.call('photos.get', { id: 999_999 });
    expect(missing.status).toBe(404);
    expect(missing.envelope).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('an unexpected failure in the core', () => {
  it('is answered 500 INTERNAL without its message or stack, which go to the log', async () => {
    const logged: unknown[] = [];
    const broken = await startTestServer({
      wrapStudio: (studio) => ({
        ...studio,
        api: {
          ...studio.api,
          'library.stats': async () => {
            throw new TypeError('secret detail at /home/someone/library.db');
          },
        },
      }),
      log: { warn: vi.fn(), error: (message, error) => logged.push(message, error) },
    });
    const res = await broken.call('library.stats', {});
    expect(res.status).toBe(500);
    expect(res.envelope).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal error; the details are in the studio log' } });
    expect(JSON.stringify(res.envelope)).not.toContain('secret');
    expect(logged).toContainEqual(expect.objectContaining({ message: 'secret detail at /home/someone/library.db' }));
  });
});

describe('GET /api/events', () => {
  it('streams job and library events as text/event-stream and ends when the server closes', async () => {
    const local = await startTestServer();
    const stream = await openSse(`${local.base}/api/events?token=${local.token}`);
    expect(stream.status).toBe(200);
    await local.call('classes.create', { name: 'a' });
    await local.call('labels.set', { photoIds: [local.photoIds[0]!], classId: 1 });
    await stream.waitFor((e) => e.event === 'library.changed' && JSON.parse(e.data).what === 'labels');
    await local.server.close();
    await stream.ended;
  });
});
