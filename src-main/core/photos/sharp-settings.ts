// Process-wide sharp (libvips) settings for importing many files.
import sharp from 'sharp';

let configured = false;

/**
 * libvips caches recent operations and keeps recently opened files open. An import touches each file once,
 * so the cache only costs memory, and open handles would stop the user renaming or deleting photos on
 * Windows. Threads per image stay at sharp's default; parallelism comes from files in flight.
 */
export function configureSharpForImport(): void {
  if (configured) return;
  configured = true;
  sharp.cache(false);
}
