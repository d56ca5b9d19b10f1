// Content hash of a file: SHA-256. Photos up to a few MB are read whole (measured 0.6 vs 1.5 ms CPU per alpaca JPEG
// against streaming: the stream's per-chunk overhead dominates); larger files are streamed, so memory stays bounded.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';

const READ_CHUNK_BYTES = 1 << 20;
/** Files up to this size are read in one call: two in flight cost at most 16 MiB. */
const READ_WHOLE_MAX_BYTES = 8 << 20;

export interface HashedFile {
  hash: string;
  /** the bytes that were hashed, for files read whole (≤ 8 MiB); null for a streamed file */
  bytes: Buffer | null;
}

export async function hashFile(file: string, signal?: AbortSignal, sizeBytes?: number): Promise<string> {
  return (await readAndHashFile(file, signal, sizeBytes)).hash;
}

/**
 * The hash, and the bytes when the file was read whole: import decodes and reads EXIF from them, so a photo is
 * read from disk once (measured −0.5 ms CPU per alpaca photo against three opens), and its pixels are the bytes hashed.
 */
export async function readAndHashFile(file: string, signal?: AbortSignal, sizeBytes?: number): Promise<HashedFile> {
  const size = sizeBytes ?? (await fs.promises.stat(file)).size;
  if (size <= READ_WHOLE_MAX_BYTES) {
    const bytes = await fs.promises.readFile(file, signal ? { signal } : {});
    return { hash: crypto.createHash('sha256').update(bytes).digest('hex'), bytes };
  }
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file, { highWaterMark: READ_CHUNK_BYTES }), hash, signal ? { signal } : {});
  return { hash: hash.digest('hex'), bytes: null };
}
