// The printed URL works on any port: a browser's Host and Origin for it pass the checks, on port 80 without ":80".
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from '../../src-main/core/studio.js';
import { startServer } from '../../src-main/server.js';
import { allowedHosts, checkHostAndOrigin, serverUrl } from '../../src-main/server/request-guard.js';
import { rawRequest } from '../helpers/http-request.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeRendererDir } from '../helpers/test-server.js';

function browserRequest(printedUrl: string, extra: Record<string, string> = {}): IncomingMessage {
  // What a browser sends for a URL: Host is the URL's host (default port dropped), Origin its origin.
  const url = new URL(printedUrl);
  return { headers: { host: url.host, origin: url.origin, ...extra } } as unknown as IncomingMessage;
}

describe('the Host and Origin a browser sends for the printed URL', () => {
  it.each([
    ['127.0.0.1', 80],
    ['127.0.0.1', 8080],
    ['127.0.0.1', 54_321],
    ['::1', 80],
    ['localhost', 80],
    ['0.0.0.0', 80],
  ])('pass the checks when bound to %s on port %i', (host, port) => {
    const url = serverUrl(host, port, 'TOKEN');
    expect(checkHostAndOrigin(browserRequest(url), allowedHosts(host, port, host === '0.0.0.0'))).toEqual({ ok: true });
  });

  it('on port 80 is printed without the port, and both "127.0.0.1" and "127.0.0.1:80" are accepted', () => {
    expect(serverUrl('127.0.0.1', 80, 'T')).toBe('http://127.0.0.1/?token=T');
    const hosts = allowedHosts('127.0.0.1', 80, false);
    expect(hosts.has('127.0.0.1')).toBe(true);
    expect(hosts.has('127.0.0.1:80')).toBe(true);
    const explicitPort = { headers: { host: '127.0.0.1:80', origin: 'http://127.0.0.1' } } as unknown as IncomingMessage;
    expect(checkHostAndOrigin(explicitPort, hosts)).toEqual({ ok: true });
  });

  it('on any other port must carry that port', () => {
    const hosts = allowedHosts('127.0.0.1', 8080, false);
    expect(checkHostAndOrigin({ headers: { host: '127.0.0.1' } } as unknown as IncomingMessage, hosts).ok).toBe(false);
    expect(checkHostAndOrigin({ headers: { host: '127.0.0.1:80' } } as unknown as IncomingMessage, hosts).ok).toBe(false);
    expect(checkHostAndOrigin({ headers: { host: '127.0.0.1:8080', origin: 'http://127.0.0.1' } } as unknown as IncomingMessage, hosts).ok).toBe(false);
  });
});

describe('a server on port 80', () => {
  let studio: Studio;
  beforeAll(() => {
    studio = openStudio(path.join(makeTempDir(), 'library'));
  });
  afterAll(() => studio.close());

  it('answers its printed URL fetched as a browser would (Host without a port)', async () => {
    let server;
    try {
      server = await startServer({ studio, rendererDir: makeRendererDir(), port: 80, log: { warn: () => undefined, error: () => undefined } });
    } catch (error) {
      // Not root, or port 80 busy: the rule itself is covered by the unit tests above.
      expect((error as NodeJS.ErrnoException).code).toMatch(/^(EACCES|EADDRINUSE)$/);
      return;
    }
    try {
      expect(server.url).toBe(`http://127.0.0.1/?token=${server.token}`);
      const page = await fetch(server.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('studio test shell');
      const noPortHost = await rawRequest(80, { path: '/', headers: { Host: '127.0.0.1', 'X-Studio-Token': server.token } });
      expect(noPortHost.status).toBe(200);
      const foreign = await rawRequest(80, { path: '/', headers: { Host: 'evil.example', 'X-Studio-Token': server.token } });
      expect(foreign.status).toBe(403);
    } finally {
      await server.close();
    }
  });
});
