// Reads a JSON request body with a size cap; too large → 413 before the rest is buffered.
import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new BodyError(413, `Request body too large: expected at most ${maxBytes} bytes, received ${declared}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyError(413, `Request body too large: expected at most ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  // Requiring JSON also keeps HTML forms (which cannot send application/json) out.
  if (type !== 'application/json') throw new BodyError(415, `Unsupported body: expected Content-Type application/json, received "${type ?? ''}"`);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw new BodyError(400, `Invalid JSON body: ${error instanceof Error ? error.message : String(error)}`);
  }
}
