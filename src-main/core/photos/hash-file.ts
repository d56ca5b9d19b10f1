// Content hash of a file: SHA-256. Photos up to a few MB are read whole (measured 0.6 vs 1.5 ms CPU per alpaca JPEG
// against streaming: the stream's per-chunk overhead dominates); larger files are streamed, so memory stays bounded.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';

const READ_CHUNK_BYTES = 1 << 20;
/** Files up to this size are read in one call: two in flight cost at most 16 MiB. */
const READ_WHOLE_MAX_BYTES = 8 << 20;

export async function hashFile(file: string, signal?: AbortSignal, sizeBytes?: number): Promise<string> {
  const size = sizeBytes ?? (await fs.promises.stat(file)).size;
  if (size <= READ_WHOLE_MAX_BYTES) {
    return crypto.createHash('sha256').update(await fs.promises.readFile(file, signal ? { signal } : {})).digest('hex');
  }
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file, { highWaterMark: READ_CHUNK_BYTES }), hash, signal ? { signal } : {});
  return hash.digest('hex');
}
