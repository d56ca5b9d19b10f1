// Bench: importing the alpaca set (photos/s) against sharp alone making the same thumbnails, re-import time,
// memory for the 54 MP file, event-loop delay, and near-duplicate grouping at 100k photos.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createJobContext } from '../src-main/core/jobs/job-context.js';
import { openLibrary } from '../src-main/core/library/library.js';
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

    const plainDir = path.join(temp, 'plain');
    fs.mkdirSync(plainDir);
    let cpu = process.cpuUsage();
    const plainMs = await plainThumbnails(files, plainDir);
    const plainCpuMs = cpuMs(process.cpuUsage(cpu));

    const library = openLibrary(path.join(temp, 'library'));
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    cpu = process.cpuUsage();
    const first = await importFolder(library, { root: ALPACA_DIR, labelsFromFolders: true }, createJobContext({}));
    const importCpuMs = cpuMs(process.cpuUsage(cpu));
    lag.disable();
    const again = await importFolder(library, { root: ALPACA_DIR, labelsFromFolders: true }, createJobContext({}));
    library.close();
    const perPhotoKiB = (dir: string) => folderBytes(path.join(temp, 'library', dir)) / first.added / 1024;

    const hugeDir = path.join(temp, 'huge');
    fs.mkdirSync(hugeDir);
    fs.copyFileSync(HUGE_FILE, path.join(hugeDir, 'huge.jpg'));
    const hugeLibrary = openLibrary(path.join(temp, 'huge-library'));
    const hugeImportMb = await peakRssDeltaMb(() => importFolder(hugeLibrary, { root: hugeDir, labelsFromFolders: false }, createJobContext({})));
    hugeLibrary.close();
    const fullDecodeMb = await peakRssDeltaMb(() => sharp(HUGE_FILE).raw().toBuffer());

    const hashes = Array.from({ length: 100_000 }, (_, id) => ({
      id: id + 1,
      phash: Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join(''),
    }));
    const groupStart = performance.now();
    groupNearDuplicates(hashes);
    const groupMs = performance.now() - groupStart;

    const importRate = (first.added / first.durationMs) * 1000;
    const plainRate = (files.length / plainMs) * 1000;
    const rows: BenchRow[] = [
      { label: `import alpaca (${first.added} photos, ${IMPORT_CONCURRENCY} in flight)`, value: importRate, unit: 'photos/s' },
      { label: 'sharp alone, same thumbnails, same concurrency', value: plainRate, unit: 'photos/s' },
      { label: 'import / sharp-alone throughput', value: importRate / plainRate, unit: '×' },
      // CPU time (all threads) does not depend on what else the machine is running, unlike photos/s
      { label: 'CPU per photo, import', value: importCpuMs / first.added, unit: 'ms' },
      { label: 'CPU per photo, sharp alone', value: plainCpuMs / files.length, unit: 'ms' },
      { label: 'library on disk per photo: model input', value: perPhotoKiB('model-inputs'), unit: 'KiB' },
      { label: 'library on disk per photo: thumbnail', value: perPhotoKiB('thumbnails'), unit: 'KiB' },
      { label: 'library on disk per photo: everything', value: perPhotoKiB('.'), unit: 'KiB' },
      { label: `re-import, nothing changed (${again.unchanged} unchanged)`, value: again.durationMs, unit: 'ms' },
      { label: 're-import / first import time', value: (again.durationMs / first.durationMs) * 100, unit: '%' },
      { label: 'event-loop delay, max during import', value: lag.max / 1e6, unit: 'ms' },
      { label: 'peak RSS above baseline, importing the 54 MP JPEG', value: hugeImportMb, unit: 'MiB' },
      { label: 'peak RSS above baseline, full-size decode of it (reference)', value: fullDecodeMb, unit: 'MiB' },
      { label: 'near-duplicate grouping, 100k random hashes', value: groupMs, unit: 'ms' },
    ];
    return {
      name: 'Import',
      rows,
      notes: 'Import = scan + SHA-256 + EXIF + one decode (thumbnail, 329 px JPEG model input, dHash) + SQLite rows + duplicate groups.',
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
