// Content hash of a file: SHA-256, streamed, so a file of any size costs constant memory.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';

const READ_CHUNK_BYTES = 1 << 20;

export async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file, { highWaterMark: READ_CHUNK_BYTES }), hash, signal ? { signal } : {});
  return hash.digest('hex');
}
