// A real studio over a temp library, served by startServer on a free loopback port, for server and API tests.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll } from 'vitest';
import type { Envelope } from '../../src-main/api/envelope.js';
import { openStudio, type Studio } from '../../src-main/core/studio.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src-main/server.js';
import { insertSyntheticPhotos } from './insert-photos.js';
import { makeTempDir } from './temp-dir.js';

export const RENDERER_INDEX_HTML = '<!doctype html><title>studio test shell</title><script type="module" src="/assets/app.js"></script>';
/** A file next to the renderer folder: no URL may ever return it. */
export const SECRET_TEXT = 'TOP-SECRET-NOT-FOR-HTTP';

export interface TestServer {
  studio: Studio;
  server: RunningServer;
  base: string;
  token: string;
  rendererDir: string;
  photoIds: number[];
  /** POST /api/call/<method> with the token header */
  call(method: string, body: unknown): Promise<{ status: number; envelope: Envelope<unknown> }>;
  counts(): RowCounts;
}

export interface RowCounts {
  classes: number;
  labels: number;
  labelEvents: number;
}

export function countRows(db: Database): RowCounts {
  return db.prepare('SELECT (SELECT COUNT(*) FROM classes) AS classes, (SELECT COUNT(*) FROM labels) AS labels, (SELECT COUNT(*) FROM label_events) AS labelEvents').get() as RowCounts;
}

/** Temp folder with <root>/renderer/{index.html, assets/app.js} and <root>/secret.txt beside it. */
export function makeRendererDir(): string {
  const root = makeTempDir('studio-renderer-');
  const rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), RENDERER_INDEX_HTML);
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log("studio");\n');
  fs.writeFileSync(path.join(root, 'secret.txt'), SECRET_TEXT);
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(rendererDir, 'assets', 'escape.txt'));
  return rendererDir;
}

export async function startTestServer(
  options: { photos?: number; rendererDir?: string; wrapStudio?: (studio: Studio) => ServerOptions['studio']; log?: ServerOptions['log'] } = {},
): Promise<TestServer> {
  const studio = openStudio(path.join(makeTempDir('studio-server-'), 'library'));
  const photoIds = insertSyntheticPhotos(studio.library.db, options.photos ?? 20);
  const rendererDir = options.rendererDir ?? makeRendererDir();
  const server = await startServer({
    studio: options.wrapStudio ? options.wrapStudio(studio) : studio,
    rendererDir,
    ...(options.log ? { log: options.log } : {}),
  });
  afterAll(async () => {
    await server.close();
    await studio.close();
  });
  const base = `http://127.0.0.1:${server.port}`;
  return {
    studio,
    server,
    base,
    token: server.token,
    rendererDir,
    photoIds,
    async call(method, body) {
      const response = await fetch(`${base}/api/call/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Studio-Token': server.token },
        body: JSON.stringify(body),
      });
      return { status: response.status, envelope: (await response.json()) as Envelope<unknown> };
    },
    counts: () => countRows(studio.library.db),
  };
}
