// Neighbour lists on disk, one file per feature key under the library folder (neighbours/<key hash>.bin): a header
// line of JSON, then the typed arrays. Written to a temporary file and renamed, so a reader (another process) sees
// the old file or the new one; a file that does not match its key or its sizes is ignored and rebuilt.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { NeighbourLists } from './neighbour-lists.js';

const FORMAT = 'hike-photo-studio-neighbours';
const VERSION = 1;
export const NEIGHBOURS_FOLDER = 'neighbours';

export interface NeighbourCache {
  load(): NeighbourLists | null;
  /** false when it could not be written (read-only library, full disk): the run goes on without it */
  save(lists: NeighbourLists): boolean;
}

interface Header {
  format: string;
  version: number;
  key: string;
  count: number;
  width: number;
}

export function neighbourCacheFile(libraryRoot: string, key: string): string {
  const digest = crypto.createHash('sha256').update(key).digest('hex').slice(0, 16);
  return path.join(libraryRoot, NEIGHBOURS_FOLDER, `${digest}.bin`);
}

/** 4-byte aligned copies of the arrays, in file order. */
function sections(lists: NeighbourLists): ArrayBufferView[] {
  return [lists.ids, lists.fingerprints, lists.lengths, lists.neighbours, lists.similarities];
}

function encode(lists: NeighbourLists, key: string): Buffer {
  const header: Header = { format: FORMAT, version: VERSION, key, count: lists.ids.length, width: lists.width };
  let json = Buffer.from(`${JSON.stringify(header)}\n`);
  json = Buffer.concat([json, Buffer.alloc((4 - (json.length % 4)) % 4, 0x20)]);
  return Buffer.concat([json, ...sections(lists).map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]);
}

function decode(bytes: Buffer, key: string): NeighbourLists | null {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return null;
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as Header;
  } catch {
    return null;
  }
  if (header.format !== FORMAT || header.version !== VERSION || header.key !== key) return null;
  const { count, width } = header;
  let offset = newline + 1 + ((4 - ((newline + 1) % 4)) % 4);
  if (bytes.length !== offset + 4 * (3 * count + 2 * count * width)) return null;
  const aligned = new Uint8Array(bytes.length - offset);
  aligned.set(bytes.subarray(offset));
  offset = 0;
  const take = <T>(make: (buffer: ArrayBuffer, at: number, length: number) => T, length: number): T => {
    const out = make(aligned.buffer, offset, length);
    offset += length * 4;
    return out;
  };
  return {
    ids: take((b, at, n) => new Int32Array(b, at, n), count),
    fingerprints: take((b, at, n) => new Uint32Array(b, at, n), count),
    lengths: take((b, at, n) => new Int32Array(b, at, n), count),
    neighbours: take((b, at, n) => new Int32Array(b, at, n), count * width),
    similarities: take((b, at, n) => new Float32Array(b, at, n), count * width),
    width,
  };
}

/** The cache for one feature key (e.g. featureKeyOf's backbone id and input size, and the view) in a library. */
export function neighbourCache(libraryRoot: string, key: string): NeighbourCache {
  const file = neighbourCacheFile(libraryRoot, key);
  return {
    load() {
      try {
        return decode(fs.readFileSync(file), key);
      } catch {
        return null;
      }
    },
    save(lists) {
      const partial = `${file}.partial-${process.pid}`;
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(partial, encode(lists, key));
        fs.renameSync(partial, file);
        return true;
      } catch {
        fs.rmSync(partial, { force: true });
        return false;
      }
    },
  };
}
