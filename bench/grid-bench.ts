// Bench: the library grid in Chromium over generated 20,000- and 100,000-photo libraries: first paint, scroll frame
// rate, CPU per frame of each browser thread while scrolling (from a Chrome trace, against a plain tall div), and the
// time from a label keypress to the label committed and shown.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { createClass } from '../src-main/core/library/classes.js';
import { openLibrary } from '../src-main/core/library/library.js';
import { setLabels } from '../src-main/core/library/labels.js';
import { THUMB_SIZE_PX, thumbnailPath, writeFileAtomic } from '../src-main/core/photos/derived-files.js';
import { SHARED_DIR } from '../tests/helpers/shared-dir.js';
import { buildRenderer, launchChromium, startServe } from '../tests/helpers/studio-browser.js';
import type { BenchResult } from './bench-result.js';
import { FRAME_WORK_TRACE_CATEGORIES, frameWork, type FrameWork } from './trace-frame-work.js';

/** The full set of rows at 20,000 photos; the 100,000-photo library adds a row per headline figure. */
const PHOTO_COUNT = 20_000;
const LARGE_PHOTO_COUNT = 100_000;
/** Distinct thumbnails, cycled over the rows: the browser still fetches one URL per photo id. */
const DISTINCT_THUMBNAILS = 12;
const SCROLL_SECONDS = 6;
const SCROLL_PX_PER_FRAME = 80;
const LABEL_TRIALS = 20;
const VIEWPORT = { width: 1400, height: 900 };
const IN_PAGE_TIMEOUT_MS = 30_000;

/** Rows straight into SQLite (no import): a few real thumbnails from the alpaca set, each shared by many rows. */
async function generateLibrary(root: string, photoCount: number): Promise<void> {
  const library = openLibrary(root);
  try {
    const sources = fs.readdirSync(path.join(SHARED_DIR, 'datasets', 'alpaca', 'alpaca')).slice(0, DISTINCT_THUMBNAILS);
    const hashes: string[] = [];
    for (const file of sources) {
      const webp = await sharp(path.join(SHARED_DIR, 'datasets', 'alpaca', 'alpaca', file)).rotate().resize(THUMB_SIZE_PX, THUMB_SIZE_PX, { fit: 'inside' }).webp({ quality: 80 }).toBuffer();
      const hash = crypto.createHash('sha256').update(webp).digest('hex');
      await writeFileAtomic(thumbnailPath(library.paths, hash), webp);
      hashes.push(hash);
    }
    const insert = library.db.prepare(
      `INSERT INTO photos (path, folder, file_name, content_hash, size_bytes, mtime_ms, width, height, taken_at, status, imported_at, updated_at)
       VALUES (@path, @folder, @name, @hash, 100000, 0, 1024, 768, @takenAt, 'ok', @now, @now)`,
    );
    const now = new Date().toISOString();
    library.db.transaction(() => {
      for (let i = 0; i < photoCount; i++) {
        const folder = `/bench/day${String(i % 50).padStart(2, '0')}`;
        const name = `IMG_${String(i).padStart(6, '0')}.jpg`;
        const takenAt = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
        insert.run({ path: `${folder}/${name}`, folder, name, hash: hashes[i % hashes.length], takenAt, now });
      }
    })();
    const a = createClass(library.db, 'alpaca');
    const b = createClass(library.db, 'not_alpaca');
    const ids = (library.db.prepare('SELECT id FROM photos ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
    setLabels(library.db, { photoIds: ids.filter((_, i) => i % 3 === 0), classId: a.id, source: 'cli' });
    setLabels(library.db, { photoIds: ids.filter((_, i) => i % 3 === 1), classId: b.id, source: 'cli' });
  } finally {
    library.close();
  }
}

const SCROLL_START_MARK = 'grid-bench-scroll-start';
const SCROLL_END_MARK = 'grid-bench-scroll-end';

// In-page scripts are strings: bench/ is type-checked without the DOM lib.
const WAIT_FIRST_CELLS = `new Promise((resolve) => {
  const check = () => document.querySelector('[data-photo-id]') ? resolve(performance.now()) : requestAnimationFrame(check);
  check();
})`;
const WAIT_VISIBLE_THUMBNAILS = `new Promise((resolve) => {
  const check = () => {
    const grid = document.querySelector('[data-testid="photo-grid"]').getBoundingClientRect();
    const imgs = [...document.querySelectorAll('[data-photo-id] img')].filter((img) => img.getBoundingClientRect().top < grid.bottom);
    if (imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0)) resolve(performance.now());
    else requestAnimationFrame(check);
  };
  check();
})`;
const SCROLL = (selector: string) => `new Promise((resolve) => {
  const scroller = document.querySelector(${JSON.stringify(selector)});
  const frames = [];
  let last = performance.now();
  const end = last + ${SCROLL_SECONDS * 1000};
  let maxCells = 0;
  performance.mark('${SCROLL_START_MARK}');
  const step = (now) => {
    frames.push(now - last);
    last = now;
    scroller.scrollTop += ${SCROLL_PX_PER_FRAME};
    maxCells = Math.max(maxCells, scroller.querySelectorAll('[data-index]').length);
    if (now < end) requestAnimationFrame(step);
    else {
      performance.mark('${SCROLL_END_MARK}');
      resolve({ frames, maxCells, scrolledPx: scroller.scrollTop, contentPx: scroller.scrollHeight });
    }
  };
  requestAnimationFrame(step);
})`;
/** Armed before the key is pressed (a separate evaluate, so the listener is surely in place). */
const ARM_LABEL_TIMER = `window.__labelKeyAt = 0;
window.addEventListener('keydown', () => { window.__labelKeyAt = performance.now(); }, { capture: true, once: true });
true`;
/** Resolves with the ms from the keydown to the frame where the cell shows the new class chip. */
const WAIT_LABEL_SHOWN = (photoId: number, className: string) => `new Promise((resolve, reject) => {
  const giveUp = performance.now() + ${IN_PAGE_TIMEOUT_MS};
  const check = () => {
    const chip = document.querySelector('[data-photo-id="${photoId}"] .chip');
    if (window.__labelKeyAt > 0 && chip && chip.textContent === ${JSON.stringify(className)}) resolve(performance.now() - window.__labelKeyAt);
    else if (performance.now() > giveUp) reject(new Error('label not shown on photo ${photoId}'));
    else requestAnimationFrame(check);
  };
  check();
})`;

interface ScrollResult {
  frames: number[];
  maxCells: number;
  scrolledPx: number;
  contentPx: number;
}

/** The same scripted scroll again (on from where the first one stopped, so over cells not loaded yet) with a Chrome
 *  trace recording: the per-frame thread work. A second scroll, because tracing slows the frames it records.
 *  GRID_BENCH_TRACE_DIR=dir keeps the traces (open them in DevTools' Performance panel). */
async function scrollWork(browser: Browser, page: Page, selector: string): Promise<FrameWork> {
  await browser.startTracing(page, { categories: FRAME_WORK_TRACE_CATEGORIES });
  const result = (await page.evaluate(SCROLL(selector))) as ScrollResult;
  const trace = await browser.stopTracing();
  if (process.env.GRID_BENCH_TRACE_DIR) fs.writeFileSync(path.join(process.env.GRID_BENCH_TRACE_DIR, `grid-bench-${Date.now()}.json`), trace);
  return frameWork(trace.toString('utf8'), SCROLL_START_MARK, SCROLL_END_MARK, result.frames.length);
}

function framesPerSecond(frames: number[]): number {
  return (frames.length * 1000) / frames.reduce((a, b) => a + b, 0);
}

/** What this headless, software-composited Chromium manages with nothing to render: the ceiling for the grid. */
async function baselineScroll(browser: Browser): Promise<{ fps: number; work: FrameWork }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    await page.setContent(`<div id="s" style="height:100vh;overflow-y:auto"><div style="height:540000px;background:linear-gradient(#222,#444)"></div></div>`);
    const result = (await page.evaluate(SCROLL('#s'))) as ScrollResult;
    return { fps: framesPerSecond(result.frames.slice(1)), work: await scrollWork(browser, page, '#s') };
  } finally {
    await page.close();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

interface GridMeasures {
  firstCellsMs: number;
  thumbnailsMs: number;
  scroll: ScrollResult;
  frames: number[];
  fps: number;
  work: FrameWork;
  baseline: { fps: number; work: FrameWork };
  latencies: number[];
}

/** One library of `photoCount` rows: generated, served, opened, scrolled and labeled in a fresh browser. */
async function measureGrid(photoCount: number): Promise<GridMeasures> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-grid-bench-'));
  const libraryDir = path.join(temp, 'library');
  const rendererDir = path.join(temp, 'renderer');
  await generateLibrary(libraryDir, photoCount);
  await buildRenderer(rendererDir);
  const server = await startServe(libraryDir, rendererDir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(server.url);
    const firstCellsMs = (await page.evaluate(WAIT_FIRST_CELLS)) as number;
    const thumbnailsMs = (await page.evaluate(WAIT_VISIBLE_THUMBNAILS)) as number;

    const scroll = (await page.evaluate(SCROLL('[data-testid="photo-grid"]'))) as ScrollResult;
    const frames = scroll.frames.slice(1);
    const fps = framesPerSecond(frames);
    const work = await scrollWork(browser, page, '[data-testid="photo-grid"]');

    await page.evaluate(`document.querySelector('[data-testid="photo-grid"]').scrollTop = 0`);
    await page.locator('[data-index="0"][data-photo-id]').waitFor();
    const classes = [...(await server.call('classes.list', {}))].sort((a, b) => a.order - b.order);
    const latencies: number[] = [];
    for (let trial = 0; trial < LABEL_TRIALS; trial++) {
      const cell = page.locator(`[data-index="${trial}"]`);
      await cell.locator('img').waitFor();
      const photoId = Number(await cell.getAttribute('data-photo-id'));
      const current = (await server.call('photos.get', { id: photoId })).classId;
      const keyIndex = current === classes[0]!.id ? 1 : 0;
      await cell.click();
      await page.evaluate(ARM_LABEL_TIMER);
      await page.keyboard.press(String(keyIndex + 1));
      latencies.push((await page.evaluate(WAIT_LABEL_SHOWN(photoId, classes[keyIndex]!.name))) as number);
    }
    return { firstCellsMs, thumbnailsMs, scroll, frames, fps, work, baseline: await baselineScroll(browser), latencies };
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

/** CPU ms per frame of each thread over the traced scroll (thread time, not wall time: little affected by load). */
function frameWorkRows(prefix: string, work: FrameWork): BenchResult['rows'] {
  return [
    { label: `${prefix}: main thread CPU per frame`, value: work.main, unit: 'ms' },
    { label: `${prefix}: main thread, script`, value: work.script, unit: 'ms' },
    { label: `${prefix}: main thread, style + layout`, value: work.styleLayout, unit: 'ms' },
    { label: `${prefix}: main thread, paint`, value: work.paint, unit: 'ms' },
    { label: `${prefix}: main thread, other`, value: work.other, unit: 'ms' },
    { label: `${prefix}: compositor thread CPU per frame`, value: work.compositor, unit: 'ms' },
    { label: `${prefix}: raster threads CPU per frame`, value: work.raster, unit: 'ms' },
    { label: `${prefix}: display compositor CPU per frame`, value: work.display, unit: 'ms' },
    { label: `${prefix}: tiles rastered per frame`, value: work.rasterTasks, unit: 'tiles' },
  ];
}

export async function run(): Promise<BenchResult> {
  const m = await measureGrid(PHOTO_COUNT);
  const large = await measureGrid(LARGE_PHOTO_COUNT);
  const at = `${LARGE_PHOTO_COUNT.toLocaleString('en')} photos`;
  return {
    name: 'UI grid (Chromium, browser mode)',
    rows: [
      { label: 'photos in the library', value: PHOTO_COUNT, unit: 'photos' },
      { label: 'first grid cells painted after navigation', value: m.firstCellsMs, unit: 'ms' },
      { label: 'visible thumbnails loaded after navigation', value: m.thumbnailsMs, unit: 'ms' },
      { label: `scripted scroll (${SCROLL_PX_PER_FRAME} px/frame, ${SCROLL_SECONDS} s)`, value: m.fps, unit: 'fps' },
      { label: 'scroll: 95th percentile frame time', value: percentile(m.frames, 95), unit: 'ms' },
      { label: 'scroll: longest frame', value: Math.max(...m.frames), unit: 'ms' },
      { label: 'scroll: most grid cells in the DOM at once', value: m.scroll.maxCells, unit: 'cells' },
      { label: 'baseline: same scroll of a plain tall div, same browser', value: m.baseline.fps, unit: 'fps' },
      ...frameWorkRows('scroll', m.work),
      ...frameWorkRows('baseline scroll', m.baseline.work),
      { label: `label keypress → committed and shown, median of ${LABEL_TRIALS}`, value: percentile(m.latencies, 50), unit: 'ms' },
      { label: 'label keypress → committed and shown, 95th percentile', value: percentile(m.latencies, 95), unit: 'ms' },
      { label: `${at}: first grid cells painted after navigation`, value: large.firstCellsMs, unit: 'ms' },
      { label: `${at}: visible thumbnails loaded after navigation`, value: large.thumbnailsMs, unit: 'ms' },
      { label: `${at}: scripted scroll`, value: large.fps, unit: 'fps' },
      { label: `${at}: scroll, 95th percentile frame time`, value: percentile(large.frames, 95), unit: 'ms' },
      { label: `${at}: baseline plain-div scroll, same browser`, value: large.baseline.fps, unit: 'fps' },
      ...frameWorkRows(`${at}: scroll`, large.work),
      ...frameWorkRows(`${at}: baseline scroll`, large.baseline.work),
      { label: `${at}: label keypress → committed and shown, median`, value: percentile(large.latencies, 50), unit: 'ms' },
      { label: `${at}: label keypress → committed and shown, 95th percentile`, value: percentile(large.latencies, 95), unit: 'ms' },
    ],
    notes: `Viewport ${VIEWPORT.width}×${VIEWPORT.height}, headless Chromium with --disable-gpu (software compositing). Rows inserted with SQL; ${DISTINCT_THUMBNAILS} real thumbnails shared by all rows (one URL per photo id, so the browser fetches each). Scrolled ${Math.round(m.scroll.scrolledPx)} of ${Math.round(m.scroll.contentPx)} px (${Math.round(large.scroll.scrolledPx)} of ${Math.round(large.scroll.contentPx)} px at ${at}). Per-frame CPU: a second ${SCROLL_SECONDS} s scroll recorded in a Chrome trace, thread time inside trace events divided by frames (main = CrRendererMain; raster = the renderer's thread-pool workers, decode included; display = VizCompositorThread). Load average at the end ${os.loadavg()[0]!.toFixed(1)}.`,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { formatBenchResult } = await import('./bench-result.js');
  console.log(formatBenchResult(await run()));
}
