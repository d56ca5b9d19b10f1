// SQL functions the library's queries and triggers use, registered on every connection before the first query:
// the natural name order (triggers keep photos.name_key with it, so a connection without it cannot write photos;
// reading and integrity checks work anywhere), Unicode case folding for the file-name search, and the bit
// distance of two perceptual hashes.
import type { Database } from 'better-sqlite3';

/** Digit runs longer than this compare as equally long (no file name has them; the width is fixed in the key). */
const MAX_DIGIT_RUN = 99;

/**
 * A key whose plain (binary) order is the case-insensitive natural order of file names: `img2` before `img10`,
 * `B.jpg` beside `b.jpg`. Each digit run becomes its length (two digits) and its value without leading zeros, so
 * shorter numbers sort first and digits still sort before letters. better-sqlite3 has no custom collations, so the
 * key is stored (photos.name_key) and indexed: paging in this order reads an index like the plain name order.
 */
export function naturalSortKey(fileName: string): string {
  return fileName
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\d+/g, (run) => {
      const value = run.replace(/^0+(?=\d)/, '');
      return `${String(Math.min(value.length, MAX_DIGIT_RUN)).padStart(2, '0')}${value}`;
    });
}

/** Lower case beyond ASCII (SQLite's lower() and LIKE fold only A–Z). */
export function foldCase(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Differing bits of two 64-bit perceptual hashes in hex (the library layer cannot import core/photos). */
function hashBitsApart(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let bits = 0;
  for (; x !== 0n; x &= x - 1n) bits++;
  return bits;
}

export function registerSqlFunctions(db: Database): void {
  db.function('natural_sort_key', { deterministic: true }, (name: unknown) => (typeof name === 'string' ? naturalSortKey(name) : name));
  db.function('fold_case', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? foldCase(text) : text));
  db.function('phash_distance', { deterministic: true }, (a: unknown, b: unknown) =>
    typeof a === 'string' && typeof b === 'string' ? hashBitsApart(a, b) : null,
  );
}
