import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFICIAL_WEIGHTS, WEIGHTS_DIR_SETTING, resolveWeights } from '../../../../src-main/core/ml/backbone/weights-source.js';
import { readWeightsFolder } from '../../../../src-main/core/ml/backbone/weights.js';
import { SHARED_DIR } from '../../../helpers/shared-dir.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

const WEIGHTS_DIR = path.join(SHARED_DIR, 'models/mobilenet_v2_0.35_imagenet_notop');
const SHA = OFFICIAL_WEIGHTS['0.35']!.sha256!;

/** What Node's fetch throws with no network. */
const offlineFetch: typeof fetch = async () => {
  throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND storage.googleapis.com') });
};

let server: http.Server;
let baseUrl = '';
const requested: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requested.push(req.url ?? '');
    const file = path.join(WEIGHTS_DIR, path.basename(req.url ?? ''));
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('resolveWeights', () => {
  it('offline with no weights says how to supply them', async () => {
    const cacheDir = makeTempDir();
    const error = await resolveWeights({ alpha: 0.35, cacheDir, fetch: offlineFetch }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    const message = (error as Error).message;
    expect(message).toContain('--weights DIR');
    expect(message).toContain(WEIGHTS_DIR_SETTING);
    expect(message).toContain('ENOTFOUND');
    expect(fs.readdirSync(cacheDir)).toEqual([]);
  });

  it('prefers --weights, then the setting, and checks the folder exists', async () => {
    const cacheDir = makeTempDir();
    await expect(resolveWeights({ alpha: 0.35, cacheDir, weightsDir: WEIGHTS_DIR, settingDir: '/nope', fetch: offlineFetch })).resolves.toEqual({
      dir: WEIGHTS_DIR,
      origin: 'flag',
    });
    await expect(resolveWeights({ alpha: 0.35, cacheDir, settingDir: WEIGHTS_DIR, fetch: offlineFetch })).resolves.toMatchObject({
      origin: 'setting',
    });
    await expect(resolveWeights({ alpha: 0.35, cacheDir, weightsDir: cacheDir })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: `Weights folder ${cacheDir} (--weights): not a model folder (no model.json)`,
    });
  });

  it('downloads on first use, verifies the checksum, then serves from the cache', async () => {
    const cacheDir = makeTempDir();
    const official = { '0.35': { modelJsonUrl: `${baseUrl}/weights/model.json`, sha256: SHA } };
    requested.length = 0;
    const first = await resolveWeights({ alpha: 0.35, cacheDir, official });
    expect(first.origin).toBe('download');
    expect(requested).toEqual(['/weights/model.json', '/weights/weights.bin']);
    const folder = await readWeightsFolder(first.dir, { expectedSha256: SHA });
    expect(folder.weights.size).toBe(260);
    const second = await resolveWeights({ alpha: 0.35, cacheDir, official, fetch: offlineFetch });
    expect(second).toEqual({ dir: first.dir, origin: 'cache', expectedSha256: SHA });
    expect(fs.readdirSync(cacheDir)).toEqual([path.basename(first.dir)]);
  });

  it('keeps nothing when the download does not match its checksum or fails half-way', async () => {
    const cacheDir = makeTempDir();
    const bad = { '0.35': { modelJsonUrl: `${baseUrl}/weights/model.json`, sha256: 'f'.repeat(64) } };
    await expect(resolveWeights({ alpha: 0.35, cacheDir, official: bad })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(`expected sha256 ${'f'.repeat(64)}, received ${SHA}`),
    });
    const missing = { '0.35': { modelJsonUrl: `${baseUrl}/weights/absent.json` } };
    await expect(resolveWeights({ alpha: 0.35, cacheDir, official: missing })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('expected 200, received 404'),
    });
    expect(fs.readdirSync(cacheDir)).toEqual([]);
  });

  it('says when no official download exists for a width', async () => {
    await expect(resolveWeights({ alpha: 1.4, cacheDir: makeTempDir(), fetch: offlineFetch })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('no official download is known'),
    });
  });
});
