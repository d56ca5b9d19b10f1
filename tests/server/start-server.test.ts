// startServer: loopback unless told otherwise, a fresh token each time, a close that ends open event streams.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from '../../src-main/core/studio.js';
import { startServer } from '../../src-main/server.js';
import { rawRequest } from '../helpers/http-request.js';
import { openSse } from '../helpers/sse-reader.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeRendererDir } from '../helpers/test-server.js';

let studio: Studio;
let rendererDir: string;
beforeAll(() => {
  studio = openStudio(path.join(makeTempDir(), 'library'));
  rendererDir = makeRendererDir();
});
afterAll(() => studio.close());

function quietLog(warnings: string[] = []) {
  return { warn: (m: string) => warnings.push(m), error: () => undefined };
}

describe('startServer', () => {
  it('refuses a non-loopback address without allowRemote', async () => {
    const warnings: string[] = [];
    await expect(startServer({ studio, rendererDir, host: '0.0.0.0', log: quietLog(warnings) })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('--allow-remote'),
    });
    expect(warnings).toEqual([]);
  });

  it('binds a non-loopback address with allowRemote, after a warning, and still checks Host and token', async () => {
    const warnings: string[] = [];
    const server = await startServer({ studio, rendererDir, host: '0.0.0.0', allowRemote: true, log: quietLog(warnings) });
    try {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('WARNING: listening on 0.0.0.0');
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
      const ok = await rawRequest(server.port, { path: '/', headers: { Host: `127.0.0.1:${server.port}`, 'X-Studio-Token': server.token } });
      expect(ok.status).toBe(200);
      const foreign = await rawRequest(server.port, { path: '/', headers: { Host: `evil.example:${server.port}`, 'X-Studio-Token': server.token } });
      expect(foreign.status).toBe(403);
      const noToken = await rawRequest(server.port, { path: '/', headers: { Host: `127.0.0.1:${server.port}` } });
      expect(noToken.status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('binds loopback addresses without a warning', async () => {
    const warnings: string[] = [];
    const server = await startServer({ studio, rendererDir, host: '127.0.0.1', log: quietLog(warnings) });
    await server.close();
    expect(warnings).toEqual([]);
  });

  it('makes a different token for each server', async () => {
    const a = await startServer({ studio, rendererDir, log: quietLog() });
    const b = await startServer({ studio, rendererDir, log: quietLog() });
    await Promise.all([a.close(), b.close()]);
    expect(a.token).not.toBe(b.token);
    expect(a.port).not.toBe(b.port);
  });

  it('fails clearly when the port is taken', async () => {
    const a = await startServer({ studio, rendererDir, log: quietLog() });
    try {
      await expect(startServer({ studio, rendererDir, port: a.port, log: quietLog() })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await a.close();
    }
  });

  it('closes even with an event stream open', async () => {
    const server = await startServer({ studio, rendererDir, log: quietLog() });
    const stream = await openSse(`http://127.0.0.1:${server.port}/api/events`, { Authorization: `Bearer ${server.token}` });
    await server.close();
    await stream.ended;
  });
});
