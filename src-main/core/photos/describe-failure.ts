// Turns a failure to read or decode a file into one clear sentence for the import summary.
import fs from 'node:fs';

const SIGNATURE_BYTES = 16;

async function readBytes(file: string, from: 'start' | 'end'): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(SIGNATURE_BYTES);
    const position = from === 'start' ? 0 : Math.max(0, size - SIGNATURE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SIGNATURE_BYTES, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const firstBytes = (file: string) => readBytes(file, 'start');

/** A JPEG starts with SOI (FF D8) and ends with EOI (FF D9), give or take trailing padding. */
async function isTruncatedJpeg(file: string): Promise<boolean> {
  const [head, tail] = await Promise.all([readBytes(file, 'start'), readBytes(file, 'end')]);
  if (head[0] !== 0xff || head[1] !== 0xd8) return false;
  for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return false;
  return true;
}

function preview(bytes: Buffer): string {
  const printable = bytes.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
  return printable ? `starts with text "${bytes.toString('latin1').replace(/\s+/g, ' ').trim()}"` : `starts with bytes ${bytes.subarray(0, 8).toString('hex')}`;
}

export async function describeFailure(file: string, error: unknown): Promise<string> {
  const message = (error instanceof Error ? error.message : String(error)).split('\n').filter(Boolean).at(-1) ?? 'unknown error';
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'file disappeared during import';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot read file: permission denied';
  if (/HEVC|compression format has not been built in/i.test(message)) {
    return "HEIC/HEVC is not supported by this build's decoder (libvips without HEVC); convert to JPEG";
  }
  if (/unsupported image format/i.test(message)) {
    const bytes = await firstBytes(file).catch(() => Buffer.alloc(0));
    if (bytes.length === 0) return 'empty file (0 bytes)';
    return `not an image: no known image format (${preview(bytes)})`;
  }
  // libvips' own message can be lost when several decodes fail at once ("Unknown error"): look at the file itself
  if (await isTruncatedJpeg(file).catch(() => false)) return 'truncated JPEG: the file ends before its image data does (no end-of-image marker)';
  if (/VipsJpeg|JPEG/i.test(message)) return `corrupt JPEG: ${message.replace(/^.*VipsJpeg:\s*/, '')}`;
  if (/pixels? limit|exceeds pixel limit/i.test(message)) return `image too large to decode safely: ${message}`;
  return `cannot decode: ${message}`;
}
