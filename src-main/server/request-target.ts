// The request target, checked and split without URL parsing: only origin-form paths ("/..."), bounded, with
// valid percent-encoding and no NUL or control characters. Anything else is a 4xx before any route sees it.
export const MAX_TARGET_LENGTH = 8 * 1024;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export type RequestTarget =
  | { ok: true; pathname: string; query: URLSearchParams }
  | { ok: false; status: 400 | 414; reason: string };

export function parseRequestTarget(raw: string): RequestTarget {
  if (raw.length > MAX_TARGET_LENGTH) return { ok: false, status: 414, reason: `Request target too long: at most ${MAX_TARGET_LENGTH} characters` };
  // "//x" would be read as a host by URL parsers; "*" and "http://…" are not paths this server serves.
  if (!raw.startsWith('/') || raw.startsWith('//')) return invalid('expected a path starting with a single "/"');
  const queryAt = raw.indexOf('?');
  const pathname = queryAt === -1 ? raw : raw.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : raw.slice(queryAt + 1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname) + decodeURIComponent(rawQuery);
  } catch {
    return invalid('bad percent-encoding');
  }
  if (CONTROL_CHARACTER.test(decoded)) return invalid('NUL and control characters are not allowed');
  return { ok: true, pathname, query: new URLSearchParams(rawQuery) };
}

function invalid(why: string): RequestTarget {
  return { ok: false, status: 400, reason: `Invalid request target: ${why}` };
}
