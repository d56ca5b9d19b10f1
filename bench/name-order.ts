// Bench: paging the grid in the natural, case-insensitive name order (photos.name_key, indexed),
// against the old binary file_name order (its own index) and the same natural order computed without an index,
// at 20,000 and 100,000 photos; plus the file-name search, which reads every row.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PhotoQuery } from '../src-main/api/schemas.js';
import { openLibrary } from '../src-main/core/library/library.js';
import { listPhotos } from '../src-main/core/library/photo-list.js';
import { describeMachine, type BenchResult, type BenchRow } from './bench-result.js';

const SIZES = [20_000, 100_000];
const PAGE = 200;
const PAGES_READ = 20;

function insertMixedNames(db: ReturnType<typeof openLibrary>['db'], count: number): void {
  const insert = db.prepare(
    `INSERT INTO photos (path, folder, file_name, content_hash, size_bytes, mtime_ms, status, imported_at, updated_at)
     VALUES (?, ?, ?, ?, 1, 0, 'ok', 't', 't')`,
  );
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      // camera-style and hand-typed names, mixed case, numbers of different widths
      const name = i % 3 === 0 ? `IMG_${i}.JPG` : i % 3 === 1 ? `hike ${i % 97} - Peak${i}.jpg` : `dsc${String(i).padStart(5, '0')}.jpeg`;
      const folder = `/bench/day${i % 50}`;
      insert.run(`${folder}/${i}-${name}`, folder, name, `h${i}`);
    }
  })();
  db.exec('ANALYZE');
}

/** Median ms to read one page, over PAGES_READ pages spread through the list. */
function medianPageMs(read: (offset: number) => void, total: number): number {
  const times: number[] = [];
  for (let k = 0; k < PAGES_READ; k++) {
    const offset = Math.floor(((total - PAGE) * k) / (PAGES_READ - 1));
    const start = performance.now();
    read(offset);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function run(): Promise<BenchResult> {
  const rows: BenchRow[] = [];
  for (const size of SIZES) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-name-order-'));
    const library = openLibrary(path.join(dir, 'lib'));
    try {
      const { db } = library;
      insertMixedNames(db, size);
      const natural = medianPageMs((offset) => listPhotos(db, PhotoQuery.parse({ sort: 'name', limit: PAGE, offset })), size);
      const binary = db.prepare('SELECT * FROM photos ORDER BY file_name, id LIMIT ? OFFSET ?');
      const baseline = medianPageMs((offset) => binary.all(PAGE, offset), size);
      const naturalRaw = db.prepare('SELECT * FROM photos ORDER BY name_key, id LIMIT ? OFFSET ?');
      const indexed = medianPageMs((offset) => naturalRaw.all(PAGE, offset), size);
      const unindexed = db.prepare('SELECT * FROM photos NOT INDEXED ORDER BY natural_sort_key(file_name) || \'\', id LIMIT ? OFFSET ?');
      const computed = medianPageMs((offset) => unindexed.all(PAGE, offset), size);
      const search = medianPageMs(() => listPhotos(db, PhotoQuery.parse({ sort: 'name', search: 'peak1', limit: PAGE })), size);
      const n = size.toLocaleString('en');
      rows.push(
        { label: `${n}: grid page (listPhotos, natural name order, with count)`, value: natural, unit: 'ms' },
        { label: `${n}: plain SELECT page, binary file_name order (old index)`, value: baseline, unit: 'ms' },
        { label: `${n}: plain SELECT page, natural order from its index`, value: indexed, unit: 'ms' },
        { label: `${n}: plain SELECT page, natural order computed per query`, value: computed, unit: 'ms' },
        { label: `${n}: ratio natural index / binary index`, value: indexed / baseline, unit: '×' },
        { label: `${n}: search "peak1" first page (with count)`, value: search, unit: 'ms' },
      );
    } finally {
      library.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return { name: 'Name order and search (SQLite, synthetic rows)', rows, notes: `median of ${PAGES_READ} pages of ${PAGE} spread through the list. ${describeMachine()}` };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { formatBenchResult } = await import('./bench-result.js');
  console.log(formatBenchResult(await run()));
}
