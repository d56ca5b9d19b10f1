// GET / and the built renderer's files (dist/renderer): resolved strictly inside rendererDir, symlinks included.
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from './respond.js';
import { sendFile } from './send-file.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hike Photo Studio</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>The studio's user interface is not built</h1>
<p>The server is running and the API answers, but there is no built renderer to show.
Build it with <code>npm run build:renderer</code> (it writes <code>dist/renderer/</code>), then reload this page.</p>
</body></html>`;

/**
 * Maps a raw URL path to a file under `root`, or undefined when it is not a safe, existing file. Rejects
 * bad percent-encoding, NUL, backslashes and any `..` segment before touching the disk, then checks the
 * real path (after symlinks) is still inside the real root.
 */
export async function resolveStaticFile(root: string, rawPathname: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return undefined;
  const relative = segments.length === 0 || rawPathname.endsWith('/') ? [...segments, 'index.html'] : segments;
  try {
    const realRoot = await fs.promises.realpath(root);
    const real = await fs.promises.realpath(path.join(realRoot, ...relative));
    const inside = path.relative(realRoot, real);
    if (inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
    return (await fs.promises.stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

export async function handleStatic(req: IncomingMessage, res: ServerResponse, pathname: string, rendererDir: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 405, 'INVALID_INPUT', `Method not allowed: expected GET, received ${req.method ?? ''}`, { Allow: 'GET, HEAD' });
    return;
  }
  const index = await resolveStaticFile(rendererDir, '/');
  if (!index) {
    res.writeHead(503, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(NOT_BUILT_PAGE);
    return;
  }
  const file = await resolveStaticFile(rendererDir, pathname);
  if (!file) {
    sendError(res, 404, 'NOT_FOUND', 'Not found');
    return;
  }
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  // Vite fingerprints what it puts in assets/, so those can be kept; anything else is revalidated.
  const cache = pathname.startsWith('/assets/') ? 'private, max-age=31536000, immutable' : 'no-cache';
  await sendFile(req, res, file, type, cache);
}
