// GET /media/<thumbnail|photo>/<id>: image bytes addressed by photo id only, so no client path ever reaches the disk.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toStudioError } from '../api/errors.js';
import type { CallLogger } from '../api/dispatch.js';
import type { Studio } from '../core/studio.js';
import { HTTP_STATUS_OF, sendError } from './respond.js';
import { sendFile } from './send-file.js';

export const MEDIA_PREFIX = '/media/';
/** Matched against the raw (undecoded) path: an id is digits only, so `..`, `%2F` and friends never match. */
const MEDIA_PATH = /^\/media\/(thumbnail|photo)\/(\d{1,15})$/;

export async function handleMedia(req: IncomingMessage, res: ServerResponse, pathname: string, studio: Pick<Studio, 'media'>, log: CallLogger): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 405, 'INVALID_INPUT', `Method not allowed: expected GET, received ${req.method ?? ''}`, { Allow: 'GET, HEAD' });
    return;
  }
  const match = MEDIA_PATH.exec(pathname);
  const kind = match?.[1] as 'thumbnail' | 'photo' | undefined;
  const id = Number(match?.[2]);
  if (!kind || !Number.isSafeInteger(id) || id < 1) {
    sendError(res, 400, 'INVALID_INPUT', 'Invalid media path: expected /media/thumbnail/<id> or /media/photo/<id> with a numeric id');
    return;
  }
  try {
    const media = await studio.media(kind, id);
    await sendFile(req, res, media.filePath, media.contentType, 'private, no-cache');
  } catch (error) {
    const studioError = toStudioError(error);
    if (studioError.code === 'INTERNAL') log(`[studio] media ${kind}/${id} failed`, error);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const message = studioError.code === 'INTERNAL' ? 'Internal error; the details are in the studio log' : studioError.message;
    sendError(res, HTTP_STATUS_OF[studioError.code], studioError.code, message);
  }
}
