import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { openStudio, type Studio } from '../../src-main/core/studio.js';
import { connectCore, type CoreClient } from '../../src-main/electron/core-client.js';
import { serveStudio } from '../../src-main/electron/core-host-protocol.js';
import { createMediaHandler, parseMediaUrl } from '../../src-main/electron/media-protocol.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { createFakeHostChannel } from './fake-host-channel.js';

describe('parseMediaUrl', () => {
  it('accepts a kind and a positive integer id, nothing else', () => {
    expect(parseMediaUrl('studio-media://thumbnail/12')).toEqual({ kind: 'thumbnail', id: 12 });
    expect(parseMediaUrl('studio-media://photo/3')).toEqual({ kind: 'photo', id: 3 });
    for (const url of [
      'studio-media://thumbnail/../../etc/passwd',
      'studio-media://thumbnail/%2e%2e/%2e%2e/etc/passwd',
      'studio-media://thumbnail/12abc',
      'studio-media://thumbnail/012',
      'studio-media://thumbnail/0',
      'studio-media://thumbnail/-1',
      'studio-media://thumbnail/1e3',
      'studio-media://thumbnail/12/',
      'studio-media://thumbnail//12',
      'studio-media://thumbnail/12?x=1',
      'studio-media://thumbnail/12#a',
      'studio-media://thumbnail/99999999999999999',
      'studio-media://model/12',
      'studio-media://user:pw@thumbnail/12',
      'studio-media:thumbnail/12',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(parseMediaUrl(url), url).toBeNull();
    }
  });
});

describe('the studio-media protocol handler over the core host', () => {
  let studio: Studio;
  let core: CoreClient;
  let handle: (request: Request) => Promise<Response>;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    const photos = makeTempDir('media-photos-');
    fs.copyFileSync(path.join(SHARED_DIR, 'bad-inputs', 'rot6.jpg'), path.join(photos, 'rot6.jpg'));
    fs.copyFileSync(path.join(SHARED_DIR, 'bad-inputs', 'tiny_8x8.jpg'), path.join(photos, 'tiny.jpg'));
    studio = openStudio(makeTempDir('media-lib-'));
    const importOnce = async () => {
      const { jobId } = await studio.api['photos.import']({ root: photos, labelsFromFolders: false });
      expect((await studio.jobs.wait(jobId))?.status).toBe('done');
    };
    await importOnce();
    fs.rmSync(path.join(photos, 'tiny.jpg'));
    await importOnce();
    for (const row of studio.library.db.prepare('SELECT id, file_name, status FROM photos').all() as { id: number; file_name: string; status: string }[]) {
      ids[row.file_name] = row.id;
    }
    expect(studio.library.db.prepare("SELECT status FROM photos WHERE file_name = 'tiny.jpg'").pluck().get()).toBe('missing');

    const { child, port } = createFakeHostChannel();
    serveStudio(port, { ...studio, resolveMedia: (kind, id) => studio.media(kind, id) }, () => undefined);
    core = connectCore(child, () => undefined);
    await core.ready;
    handle = createMediaHandler((kind, id) => core.resolveMedia(kind, id), () => undefined);
  });
  afterAll(async () => {
    await core?.shutdown(2_000);
  });

  it('serves the thumbnail of an imported photo as WebP', async () => {
    const response = await handle(fakeRequest(`studio-media://thumbnail/${ids['rot6.jpg']}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect(meta.format).toBe('webp');
    // rot6.jpg stores its pixels portrait with EXIF orientation 6: its thumbnail is upright, so landscape.
    expect(meta.width).toBeGreaterThan(meta.height ?? Infinity);
  });

  it('serves the upright full photo as JPEG', async () => {
    const response = await handle(fakeRequest(`studio-media://photo/${ids['rot6.jpg']}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).format).toBe('jpeg');
  });

  it('answers 404 for traversal, malformed and unknown ids, and missing photos', async () => {
    const urls = [
      'studio-media://thumbnail/../../etc/passwd',
      'studio-media://thumbnail/12abc',
      'studio-media://thumbnail/999999',
      `studio-media://thumbnail/${ids['tiny.jpg']}`,
      `studio-media://photo/${ids['tiny.jpg']}`,
    ];
    for (const url of urls) {
      const response = await handle(fakeRequest(url));
      expect(response.status, url).toBe(404);
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await handle(fakeRequest(`studio-media://thumbnail/${ids['rot6.jpg']}`, 'POST'))).status).toBe(405);
  });
});

/** Node's Request only takes http(s) URLs; the handler reads just `url` and `method`, as Electron gives them. */
function fakeRequest(url: string, method = 'GET'): Request {
  return { url, method } as Request;
}
