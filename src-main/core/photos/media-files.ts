// The files behind a photo id for display: its cached thumbnail, or an upright JPEG preview of the original
// (made once, cached by content hash). Callers pass ids only; paths come from the database, never a client.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../api/errors.js';
import type { Library, LibraryPaths } from '../library/library.js';
import { describeFailure } from './describe-failure.js';
import { thumbnailPath, writeFileAtomic } from './derived-files.js';

export type MediaKind = 'thumbnail' | 'photo';

/** Long side of the full-image preview: plenty for a screen, and a 54 MP original is not sent as is. */
export const PREVIEW_MAX_SIDE_PX = 2048;
export const PREVIEW_JPEG_QUALITY = 85;

export interface MediaFile {
  filePath: string;
  contentType: string;
}

interface MediaRow {
  path: string;
  content_hash: string;
  status: 'ok' | 'missing' | 'unreadable';
}

export function previewPath(paths: Pick<LibraryPaths, 'root'>, hash: string): string {
  return path.join(paths.root, 'previews', hash.slice(0, 2), `${hash}.jpg`);
}

const previewsInFlight = new Map<string, Promise<void>>();

export async function resolveMedia(library: Pick<Library, 'db' | 'paths'>, kind: MediaKind, id: number): Promise<MediaFile> {
  const row = library.db.prepare('SELECT path, content_hash, status FROM photos WHERE id = ?').get(id) as MediaRow | undefined;
  if (!row) throw new StudioError('NOT_FOUND', `No photo with id ${id}`);
  if (row.status !== 'ok') throw new StudioError('NOT_FOUND', `Photo ${id} has no image to show: its status is "${row.status}"`);
  // Hashes are made by the importer; checking the shape keeps a cache path inside the cache folder regardless.
  if (!/^[0-9a-f]{16,128}$/i.test(row.content_hash)) throw new StudioError('INTERNAL', `Photo ${id} has a malformed content hash`);
  if (kind === 'thumbnail') {
    const filePath = thumbnailPath(library.paths, row.content_hash);
    if (!fs.existsSync(filePath)) throw new StudioError('NOT_FOUND', `Photo ${id} has no thumbnail yet`);
    return { filePath, contentType: 'image/webp' };
  }
  const filePath = previewPath(library.paths, row.content_hash);
  if (!fs.existsSync(filePath)) await makePreviewOnce(row.path, filePath, id);
  return { filePath, contentType: 'image/jpeg' };
}

/** Concurrent requests for the same photo share one decode. */
async function makePreviewOnce(original: string, target: string, id: number): Promise<void> {
  let pending = previewsInFlight.get(target);
  if (!pending) {
    pending = makePreview(original, target, id).finally(() => previewsInFlight.delete(target));
    previewsInFlight.set(target, pending);
  }
  await pending;
}

async function makePreview(original: string, target: string, id: number): Promise<void> {
  if (!fs.existsSync(original)) throw new StudioError('NOT_FOUND', `The original file of photo ${id} is no longer where it was imported from`);
  let jpeg: Buffer;
  // sharp loads with the first preview, not with the library (a listing never decodes)
  const { openUprightByRange } = await import('./decode-image.js');
  try {
    jpeg = await (await openUprightByRange(original)).pipeline
      .resize(PREVIEW_MAX_SIDE_PX, PREVIEW_MAX_SIDE_PX, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: PREVIEW_JPEG_QUALITY })
      .toBuffer();
  } catch (error) {
    throw new StudioError('UNSUPPORTED_FILE', `Cannot decode photo ${id}: ${await describeFailure(original, error)}`);
  }
  await writeFileAtomic(target, jpeg);
}
