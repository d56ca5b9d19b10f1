// Paths of files the ML code hands to something outside Node's patched fs (worker entry files, .wasm binaries): in a
// packaged app they sit in `app.asar.unpacked` beside `app.asar` (electron-builder.yml asarUnpack), and this maps a
// path inside the archive to its unpacked copy. Outside a packaged app (dev, CLI, tests) paths come back unchanged.
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** `app.asar` as a whole path segment followed by more path (not `app.asar.unpacked`, not `my-app.asar`). */
const ARCHIVE_SEGMENT = /([\\/])app\.asar(?=[\\/])/;

/**
 * `…/resources/app.asar/x/y` → `…/resources/app.asar.unpacked/x/y` when that unpacked copy exists; otherwise (not
 * packaged, or a file kept inside the archive, which Electron's fs reads in place) the path itself.
 */
export function unpackedPath(file: string, exists: (candidate: string) => boolean = fs.existsSync): string {
  if (!ARCHIVE_SEGMENT.test(file)) return file;
  const mapped = file.replace(ARCHIVE_SEGMENT, '$1app.asar.unpacked');
  return exists(mapped) ? mapped : file;
}

/** The same for a module URL (`new URL('./worker.js', import.meta.url)`). */
export function unpackedUrl(url: URL, exists?: (candidate: string) => boolean): URL {
  if (url.protocol !== 'file:') return url;
  const file = fileURLToPath(url);
  const mapped = unpackedPath(file, exists);
  return mapped === file ? url : pathToFileURL(mapped);
}
