// The `studio-media://` protocol: `studio-media://thumbnail/<id>` and `studio-media://photo/<id>` serve a
// library photo's files by id only. Anything else (paths, traversal, unknown ids, missing photos) is a 404.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { CustomScheme } from 'electron';
import { isStudioError } from '../api/errors.js';

export const MEDIA_SCHEME = 'studio-media';
export const MEDIA_KINDS = ['thumbnail', 'photo'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** What the core's `studio.media(kind, id)` answers for an id. */
export interface MediaFile {
  filePath: string;
  contentType: string;
}

/** Registered before `app.ready`: standard (so URLs parse with a host), secure, fetchable, streamable. */
export const MEDIA_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: MEDIA_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false },
};

/** Finds the file behind an id; null (or a NOT_FOUND StudioError) when there is none to serve. */
export type ResolveMedia = (kind: MediaKind, id: number) => Promise<MediaFile | null>;

const ID_PATTERN = /^[1-9][0-9]{0,15}$/;

/** Strict: exactly `studio-media://<kind>/<positive integer id>`, nothing before, after or around it. */
export function parseMediaUrl(url: string): { kind: MediaKind; id: number } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${MEDIA_SCHEME}:` || parsed.username || parsed.password || parsed.port) return null;
  if (parsed.search || parsed.hash) return null;
  // The raw text must agree with the parsed URL: `..`, `%2e`, backslashes or doubled slashes are refused.
  if (url !== `${MEDIA_SCHEME}://${parsed.host}${parsed.pathname}`) return null;
  const kind = MEDIA_KINDS.find((k) => k === parsed.host);
  const idText = parsed.pathname.slice(1);
  if (!kind || !ID_PATTERN.test(idText)) return null;
  const id = Number(idText);
  return Number.isSafeInteger(id) ? { kind, id } : null;
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

export function createMediaHandler(resolve: ResolveMedia, log: (message: string, error: unknown) => void = console.error) {
  return async function handleMediaRequest(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const target = parseMediaUrl(request.url);
    if (!target) return plain(404, 'Not found');
    let media: MediaFile | null;
    try {
      media = await resolve(target.kind, target.id);
    } catch (error) {
      if (isStudioError(error) && error.code === 'NOT_FOUND') return plain(404, 'Not found');
      log(`[studio-media] ${target.kind}/${target.id} failed`, error);
      return plain(500, 'Internal error');
    }
    if (!media) return plain(404, 'Not found');
    let size: number;
    try {
      const stat = await fs.promises.stat(media.filePath);
      if (!stat.isFile()) return plain(404, 'Not found');
      size = stat.size;
    } catch {
      return plain(404, 'Not found');
    }
    const headers = {
      'Content-Type': media.contentType,
      'Content-Length': String(size),
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
    const body = Readable.toWeb(fs.createReadStream(media.filePath)) as ReadableStream<Uint8Array>;
    return new Response(body, { status: 200, headers });
  };
}
