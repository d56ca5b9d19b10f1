// The renderer's HTTP client against a real server: calls, errors as StudioCallError, cancelling, events, media
// URLs, the page token.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StudioCallError } from '../../../../src-renderer/lib/api/call-error.js';
import { createHttpClient, takeTokenFromPageUrl } from '../../../../src-renderer/lib/api/http-client.js';
import type { StudioClient } from '../../../../src-renderer/lib/api/studio-client.js';
import { sseEventSource } from '../../../helpers/sse-reader.js';
import { startTestServer, type TestServer } from '../../../helpers/test-server.js';

let t: TestServer;
let client: StudioClient;
let eventsOpened: Promise<unknown> | undefined;
beforeAll(async () => {
  t = await startTestServer();
  client = createHttpClient({
    baseUrl: t.base,
    token: t.token,
    eventSource: (url) => {
      const source = sseEventSource(url);
      eventsOpened = source.opened;
      return source;
    },
  });
});

describe('createHttpClient', () => {
  it('calls a method and resolves with its value', async () => {
    const created = await client.call('classes.create', { name: 'lake' });
    expect(created).toMatchObject({ name: 'lake', photoCount: 0 });
    expect(await client.call('classes.list', {})).toEqual([created]);
  });

  it("rejects with the core's code and message", async () => {
    const error = await client.call('classes.create', { name: 'lake' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioCallError);
    expect(error).toMatchObject({ code: 'CONFLICT', message: 'A class named "lake" already exists' });
  });

  it('rejects with the schema issues when the request is invalid', async () => {
    const error = await client.call('photos.get', { id: -1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { issues: [expect.objectContaining({ path: ['id'] })] } });
  });

  it('is refused without the token', async () => {
    const anonymous = createHttpClient({ baseUrl: t.base });
    await expect(anonymous.call('classes.list', {})).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('Token required') });
  });

  it('says the server is unavailable when it cannot be reached', async () => {
    const nowhere = createHttpClient({ baseUrl: 'http://127.0.0.1:1', token: 'x' });
    await expect(nowhere.call('classes.list', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('rejects a call aborted while the server holds it unanswered, with code CANCELLED', async () => {
    // A server that never answers: only the abort can end the call. It aborts once the request has arrived.
    const controller = new AbortController();
    const silent = http.createServer(() => controller.abort());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const hanging = createHttpClient({ baseUrl: `http://127.0.0.1:${port}`, token: 'x' });
      const error = await hanging.call('classes.list', {}, { signal: controller.signal }).catch((e: unknown) => e);
      expect(controller.signal.aborted).toBe(true);
      expect(error).toBeInstanceOf(StudioCallError);
      expect(error).toMatchObject({ code: 'CANCELLED', message: 'The call to classes.list was cancelled' });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('does not send a call whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(client.call('classes.create', { name: 'never-sent' }, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await client.call('classes.list', {})).map((c) => c.name)).not.toContain('never-sent');
  });

  it('resolves a call with a signal that is never aborted', async () => {
    const controller = new AbortController();
    const classes = await client.call('classes.list', {}, { signal: controller.signal });
    expect(classes.map((c) => c.name)).toContain('lake');
  });

  it('delivers library.changed events to listeners until they unsubscribe', async () => {
    const seen: string[] = [];
    const stop = client.on('library.changed', (payload) => seen.push(payload.what));
    await eventsOpened;
    await client.call('classes.create', { name: 'forest' });
    await expect.poll(() => seen).toEqual(['classes']);
    stop();
  });

  it('addresses media by id', () => {
    expect(client.mediaUrl('thumbnail', 7)).toBe(`${t.base}/media/thumbnail/7`);
    expect(createHttpClient({ fetch: async () => ({ status: 200, json: async () => ({}) }) }).mediaUrl('photo', 12)).toBe('/media/photo/12');
  });
});

describe('takeTokenFromPageUrl', () => {
  const g = globalThis as { location?: unknown; history?: unknown };
  afterEach(() => {
    delete g.location;
    delete g.history;
  });

  it('returns the token and removes it from the address bar, keeping the rest', () => {
    const replaced: string[] = [];
    g.location = { href: 'http://127.0.0.1:5000/?token=abc&view=train#grid' };
    g.history = { replaceState: (_d: unknown, _u: string, url: string) => replaced.push(url) };
    expect(takeTokenFromPageUrl()).toBe('abc');
    expect(replaced).toEqual(['/?view=train#grid']);
  });

  it('returns undefined and leaves the address alone without a token', () => {
    const replaced: string[] = [];
    g.location = { href: 'http://127.0.0.1:5000/' };
    g.history = { replaceState: (_d: unknown, _u: string, url: string) => replaced.push(url) };
    expect(takeTokenFromPageUrl()).toBeUndefined();
    expect(replaced).toEqual([]);
  });
});
