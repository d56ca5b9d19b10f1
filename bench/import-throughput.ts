// Bench: importing the alpaca set (photos/s) against sharp alone making the same thumbnails, re-import time,
// memory for the 54 MP file, event-loop delay, and near-duplicate grouping at 100k photos.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createJobContext } from '../src-main/core/jobs/job-context.js';
import { openLibrary, type Library } from '../src-main/core/library/library.js';
import type { ImportSummary } from '../src-main/api/schemas.js';
import { THUMB_SIZE_PX, THUMB_WEBP_QUALITY } from '../src-main/core/photos/derived-files.js';
import { IMPORT_CONCURRENCY, importFolder } from '../src-main/core/photos/import-folder.js';
import { groupNearDuplicates } from '../src-main/core/photos/near-duplicates.js';
import { IMAGE_EXTENSIONS } from '../src-main/core/photos/scan-folder.js';
import type { BenchResult, BenchRow } from './bench-result.js';

const SHARED_DIR = path.resolve(fileURLToPath(new URL('../', import.meta.url)), '../shared');
const ALPACA_DIR = path.join(SHARED_DIR, 'datasets', 'alpaca');
const HUGE_FILE = path.join(SHARED_DIR, 'bad-inputs', 'huge_9000x6000.jpg');

function listImages(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => IMAGE_EXTENSIONS.has(path.extname(f).slice(1).toLowerCase()))
    .map((f) => path.join(dir, f));
}

/** The baseline: sharp alone, the same thumbnail, the same number of files in flight. */
async function plainThumbnails(files: string[], outDir: string): Promise<number> {
  const startedAt = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      await sharp(files[i]!)
        .rotate()
        .resize(THUMB_SIZE_PX, THUMB_SIZE_PX, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: THUMB_WEBP_QUALITY, effort: 2 })
        .toFile(path.join(outDir, `${i}.webp`));
    }
  };
  await Promise.all(Array.from({ length: IMPORT_CONCURRENCY }, worker));
  return performance.now() - startedAt;
}

/** Bytes of every file under `dir`. */
function folderBytes(dir: string): number {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + fs.statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

/** Import and the plain loop alternate this many times. */
const ROUNDS = 3;

interface Measured {
  rate: number;
  cpuMs: number;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** Peak resident memory above the starting point while `work` runs, sampled every 5 ms. */
async function peakRssDeltaMb(work: () => Promise<unknown>): Promise<number> {
  globalThis.gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  await work();
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  return (peak - base) / 2 ** 20;
}

export async function run(): Promise<BenchResult> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  try {
    const files = listImages(ALPACA_DIR);
    for (const file of files) fs.readFileSync(file); // warm the page cache so both sides read from memory

    // memory first, while the process is fresh: later rounds leave freed memory in the allocator that hides a peak
    const hugeDir = path.join(temp, 'huge');
    fs.mkdirSync(hugeDir);
    fs.copyFileSync(HUGE_FILE, path.join(hugeDir, 'huge.jpg'));
    const hugeLibrary = openLibrary(path.join(temp, 'huge-library'));
    const hugeImportMb = await peakRssDeltaMb(() => importFolder(hugeLibrary, { root: hugeDir, labelsFromFolders: false }, createJobContext({})));
    hugeLibrary.close();
    const fullDecodeMb = await peakRssDeltaMb(() => sharp(HUGE_FILE).raw().toBuffer());

    // Alternated in one run: CPU per photo (all threads) is what the throughput ratio becomes when both saturate the
    // cores, and it barely moves with what else the machine runs; photos/s does.
    const plain: Measured[] = [];
    const imports: Measured[] = [];
    let first: ImportSummary | undefined;
    let library: Library | undefined;
    let lagMaxMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const plainDir = path.join(temp, `plain-${round}`);
      fs.mkdirSync(plainDir);
      let cpu = process.cpuUsage();
      const plainMs = await plainThumbnails(files, plainDir);
      plain.push({ rate: (files.length / plainMs) * 1000, cpuMs: cpuMs(process.cpuUsage(cpu)) / files.length });
      library?.close();
      library = openLibrary(path.join(temp, `library-${round}`));
      const lag = monitorEventLoopDelay({ resolution: 10 }); // one per round: re-enabling one counts the pause between
      lag.enable();
      cpu = process.cpuUsage();
      first = await importFolder(library, { root: ALPACA_DIR, labelsFromFolders: true }, createJobContext({}));
      imports.push({ rate: (first.added / first.durationMs) * 1000, cpuMs: cpuMs(process.cpuUsage(cpu)) / first.added });
      lag.disable();
      lagMaxMs = Math.max(lagMaxMs, lag.max / 1e6);
    }
    if (!first || !library) throw new Error('no rounds');
    const libraryDir = path.join(temp, `library-${ROUNDS - 1}`);
    const again = await importFolder(library, { root: ALPACA_DIR, labelsFromFolders: true }, createJobContext({}));
    library.close();
    const perPhotoKiB = (dir: string) => folderBytes(path.join(libraryDir, dir)) / first.added / 1024;

    const hashes = Array.from({ length: 100_000 }, (_, id) => ({
      id: id + 1,
      phash: Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join(''),
    }));
    const groupStart = performance.now();
    groupNearDuplicates(hashes);
    const groupMs = performance.now() - groupStart;

    const importRate = median(imports.map((m) => m.rate));
    const plainRate = median(plain.map((m) => m.rate));
    const importCpu = median(imports.map((m) => m.cpuMs));
    const plainCpu = median(plain.map((m) => m.cpuMs));
    const rounds = (values: Measured[], key: keyof Measured) => values.map((m) => m[key].toFixed(key === 'rate' ? 0 : 1)).join(' / ');
    const rows: BenchRow[] = [
      { label: `import alpaca (${first.added} photos, ${IMPORT_CONCURRENCY} in flight), median of ${ROUNDS} (${rounds(imports, 'rate')})`, value: importRate, unit: 'photos/s' },
      { label: `sharp alone, same thumbnails, same concurrency (${rounds(plain, 'rate')})`, value: plainRate, unit: 'photos/s' },
      { label: 'import / sharp-alone throughput', value: importRate / plainRate, unit: '×' },
      { label: `CPU per photo, import (${rounds(imports, 'cpuMs')})`, value: importCpu, unit: 'ms' },
      { label: `CPU per photo, sharp alone (${rounds(plain, 'cpuMs')})`, value: plainCpu, unit: 'ms' },
      { label: 'sharp-alone / import CPU per photo (the throughput ratio when both saturate the cores)', value: plainCpu / importCpu, unit: '×' },
      { label: 'library on disk per photo: model input', value: perPhotoKiB('model-inputs'), unit: 'KiB' },
      { label: 'library on disk per photo: thumbnail', value: perPhotoKiB('thumbnails'), unit: 'KiB' },
      { label: 'library on disk per photo: everything', value: perPhotoKiB('.'), unit: 'KiB' },
      { label: `re-import, nothing changed (${again.unchanged} unchanged)`, value: again.durationMs, unit: 'ms' },
      { label: 're-import / first import time', value: (again.durationMs / first.durationMs) * 100, unit: '%' },
      { label: 'event-loop delay, max during import', value: lagMaxMs, unit: 'ms' },
      { label: 'peak RSS above baseline, importing the 54 MP JPEG', value: hugeImportMb, unit: 'MiB' },
      { label: 'peak RSS above baseline, full-size decode of it (reference)', value: fullDecodeMb, unit: 'MiB' },
      { label: 'near-duplicate grouping, 100k random hashes', value: groupMs, unit: 'ms' },
    ];
    return {
      name: 'Import',
      rows,
      notes: 'Import = scan + one read (SHA-256, EXIF, decode) + one decode (thumbnail, 329 px JPEG model input, dHash) + SQLite rows + duplicate groups. Where the CPU goes: docs/benchmarks.md, "Import against the plain loop" and "Preprocessing v4".',
    };
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { describeMachine, formatBenchResult } = await import('./bench-result.js');
  console.log(`Machine: ${describeMachine()}\n`);
  console.log(formatBenchResult(await run()));
}
