// Files leave the server only by id (media) or from inside the built renderer folder; no path trick reaches others.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/http-request.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { RENDERER_INDEX_HTML, SECRET_TEXT, startTestServer, type TestServer } from '../helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});

function get(pathAndQuery: string, server = t) {
  return rawRequest(server.server.port, { path: pathAndQuery, headers: { Host: `127.0.0.1:${server.server.port}`, 'X-Studio-Token': server.token } });
}

describe('the built renderer', () => {
  it('is served at / and under /assets with its content type', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toBe(RENDERER_INDEX_HTML);
    const script = await get('/assets/app.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('answers 304 to a repeat request with the same ETag', async () => {
    const first = await get('/assets/app.js');
    const again = await rawRequest(t.server.port, {
      path: '/assets/app.js',
      headers: { Host: `127.0.0.1:${t.server.port}`, 'X-Studio-Token': t.token, 'If-None-Match': String(first.headers.etag) },
    });
    expect(again.status).toBe(304);
  });

  it.each([
    '/../secret.txt',
    '/../../../../etc/passwd',
    '/..%2Fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/assets/..%2F..%2Fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%5Csecret.txt',
    '/%252e%252e/secret.txt',
    '/assets/escape.txt',
    '/%00/etc/passwd',
    '/%E0%A4%A/x',
    '//etc/passwd',
    '/etc/passwd',
  ])('refuses %s with a 4xx and without the file', async (target) => {
    const res = await get(target);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).not.toContain(SECRET_TEXT);
    expect(res.body).not.toContain('root:');
  });

  it('shows a clear page when the renderer is not built', async () => {
    const unbuilt = await startTestServer({ rendererDir: path.join(makeTempDir(), 'no-such-dist') });
    const res = await get('/', unbuilt);
    expect(res.status).toBe(503);
    expect(res.body).toContain('not built');
    expect((await unbuilt.call('classes.list', {})).status).toBe(200);
  });
});

describe('media by id', () => {
  let served: TestServer;
  let rotatedId: number;
  let tinyId: number;
  beforeAll(async () => {
    served = await startTestServer({ photos: 0 });
    const folder = makeTempDir('studio-media-');
    fs.copyFileSync(path.join(SHARED_DIR, 'bad-inputs', 'rot6.jpg'), path.join(folder, 'rot6.jpg'));
    fs.copyFileSync(path.join(SHARED_DIR, 'bad-inputs', 'tiny_8x8.jpg'), path.join(folder, 'tiny.jpg'));
    const { jobId } = await served.studio.api['photos.import']({ root: folder, labelsFromFolders: false });
    const state = await served.studio.jobs.wait(jobId);
    expect(state?.status).toBe('done');
    const idOf = (name: string) => served.studio.library.db.prepare('SELECT id FROM photos WHERE file_name = ?').pluck().get(name) as number;
    rotatedId = idOf('rot6.jpg');
    tinyId = idOf('tiny.jpg');
  });

  it('serves a thumbnail as WebP', async () => {
    const res = await fetch(`${served.base}/media/thumbnail/${rotatedId}`, { headers: { 'X-Studio-Token': served.token } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta.format).toBe('webp');
  });

  it('serves the full photo upright as JPEG (EXIF orientation applied, no orientation tag left)', async () => {
    const row = served.studio.library.db.prepare('SELECT width, height FROM photos WHERE id = ?').get(rotatedId) as { width: number; height: number };
    const res = await fetch(`${served.base}/media/photo/${rotatedId}`, { headers: { 'X-Studio-Token': served.token } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta.format).toBe('jpeg');
    expect([meta.width, meta.height]).toEqual([row.width, row.height]);
    // rot6.jpg stores its pixels 384×512 with EXIF orientation 6: upright it is 512×384
    expect([row.width, row.height]).toEqual([512, 384]);
    expect(meta.orientation ?? 1).toBe(1);
  });

  it('does not enlarge a small photo', async () => {
    const res = await fetch(`${served.base}/media/photo/${tinyId}`, { headers: { 'X-Studio-Token': served.token } });
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([8, 8]);
  });

  it('ignores anything in the query string', async () => {
    const res = await fetch(`${served.base}/media/thumbnail/${rotatedId}?path=/etc/passwd&file=../../x`, { headers: { 'X-Studio-Token': served.token } });
    expect(res.headers.get('content-type')).toBe('image/webp');
  });

  it('answers 404 for an unknown id and for a photo whose file is missing', async () => {
    expect((await get('/media/thumbnail/999999', served)).status).toBe(404);
    served.studio.library.db.prepare("UPDATE photos SET status = 'missing' WHERE id = ?").run(tinyId);
    expect((await get(`/media/thumbnail/${tinyId}`, served)).status).toBe(404);
    expect((await get(`/media/photo/${tinyId}`, served)).status).toBe(404);
  });

  it.each([
    '/media/thumbnail/..%2F..%2Fetc%2Fpasswd',
    '/media/thumbnail/../../etc/passwd',
    '/media/photo/%2Fetc%2Fpasswd',
    '/media/thumbnail/abc',
    '/media/thumbnail/1.5',
    '/media/thumbnail/-1',
    '/media/thumbnail/0',
    '/media/thumbnail/99999999999999999999',
    '/media/original/1',
    '/media/',
  ])('refuses %s with a 4xx', async (target) => {
    const res = await get(target, served);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).not.toContain('root:');
  });
});
