// Browsing in Chromium against browser mode: thumbnail size (slider, Ctrl+, remembered), file-name search, the
// folder tree, Home/End moving the cursor, viewer zoom and 1:1 on an 8×8 photo, predictions on the tiles after a
// training, near-duplicates side by side with "keep one". Screenshots go to test-results/screenshots/browse-*.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { buildRenderer, launchChromium, startServe, type ServedStudio } from '../helpers/studio-browser.js';
import { quickTrainingSettings, SCREENSHOT_DIR, waitForJob } from '../helpers/studio-page.js';

const ALPACA_DIR = path.join(SHARED_DIR, 'datasets', 'alpaca');
const FAST_TRAINING = quickTrainingSettings(3);
const JOB_TIMEOUT_MS = 240_000;

let server: ServedStudio;
let browser: Browser;
let page: Page;
/** a folder of its own: the 8×8 photo and two names that sort naturally */
let smallDir = '';

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `browse-${name}.png`) });
}

const filterTotal = async () => Number((await page.getByTestId('filter-total').textContent())?.replace(/[^\d]/g, '') ?? NaN);
/** width of the cursor's cell, else the first cell (the cursor's cell is always rendered) */
const cellWidth = async () => (await page.locator('[role="gridcell"].focused, [role="gridcell"][data-index="0"]').first().boundingBox())?.width ?? 0;
const focusedIndex = async () => (await page.evaluate(`document.activeElement?.getAttribute('data-index') ?? null`)) as string | null;
const viewerImageBox = () => page.getByTestId('viewer-image').boundingBox();

/** The cursor's cell lies inside the grid's visible box. */
async function cursorInView(): Promise<boolean> {
  return (await page.evaluate(`(() => {
    const grid = document.querySelector('[data-testid="photo-grid"]').getBoundingClientRect();
    const cell = document.querySelector('[role="gridcell"].focused');
    if (!cell) return false;
    const box = cell.getBoundingClientRect();
    return box.top >= grid.top - 1 && box.bottom <= grid.bottom + 1;
  })()`)) as boolean;
}

describe('browsing the library', () => {
  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    smallDir = fs.realpathSync(makeTempDir('studio-browse-small-'));
    fs.copyFileSync(path.join(SHARED_DIR, 'bad-inputs', 'tiny_8x8.jpg'), path.join(smallDir, 'tiny_8x8.jpg'));
    fs.copyFileSync(path.join(SHARED_DIR, 'photos', 'hike-unlabeled', 'Aqua.jpg'), path.join(smallDir, 'walk10.jpg'));
    fs.copyFileSync(path.join(SHARED_DIR, 'photos', 'hike-unlabeled', 'Dune.jpg'), path.join(smallDir, 'Walk2.jpg'));
    const rendererDir = makeTempDir('studio-browse-renderer-');
    await buildRenderer(rendererDir);
    server = await startServe(makeTempDir('studio-browse-library-'), rendererDir);
    await waitForJob(server, (await server.call('photos.import', { root: ALPACA_DIR, labelsFromFolders: true })).jobId, JOB_TIMEOUT_MS);
    await waitForJob(server, (await server.call('photos.import', { root: smallDir, labelsFromFolders: false })).jobId, JOB_TIMEOUT_MS);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    await page.goto(server.url);
    await page.locator('[data-index="0"][data-photo-id] img').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('changes the thumbnail size with the slider and Ctrl+, keeps the cursor in view, and remembers the size after a reload', async () => {
    const before = await cellWidth();
    // the cursor on a photo further down: it must stay on screen while the cells change size
    await page.locator('[role="gridcell"][data-index="0"]').click();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await page.getByTestId('thumb-size').fill('250');
    await expect.poll(cellWidth).toBeGreaterThanOrEqual(250);
    expect(await cursorInView()).toBe(true);
    await page.locator('[role="gridcell"].focused').focus();
    const atSlider = await cellWidth();
    await page.keyboard.press('Control+Equal');
    await expect.poll(cellWidth).toBeGreaterThan(atSlider);
    expect(await cursorInView()).toBe(true);
    const larger = await cellWidth();
    expect(larger).toBeGreaterThan(before);
    await shoot('01-large-thumbnails');
    await page.reload();
    await page.locator('[data-index="0"][data-photo-id] img').waitFor();
    await expect.poll(cellWidth).toBeCloseTo(larger, 0);
    await page.keyboard.press('Control+Minus');
    await expect.poll(cellWidth).toBeLessThan(larger);
    await page.keyboard.press('Control+0');
    await expect.poll(cellWidth).toBeCloseTo(before, 0);
  });

  it('narrows the grid to the file names holding the typed text, and gives the grid the focus on Enter', async () => {
    const all = await filterTotal();
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('search');
    await page.keyboard.type('WALK');
    await expect.poll(filterTotal).toBe(2);
    // natural order, case ignored: Walk2 before walk10
    await expect.poll(async () => page.locator('[role="gridcell"] .name').allTextContents()).toEqual(['Walk2.jpg', 'walk10.jpg']);
    await page.keyboard.press('Enter');
    await expect.poll(focusedIndex).toBe('0');
    await shoot('02-search');
    await page.keyboard.press('/');
    await page.keyboard.press('Escape');
    await expect.poll(filterTotal).toBe(all);
    await expect.poll(focusedIndex).not.toBeNull();
  });

  it('filters the grid to a folder chosen in the folder tree, by click and by Enter, with its photo count', async () => {
    const tree = page.getByTestId('folder-tree');
    const small = tree.locator(`[data-path="${smallDir}"]`);
    await expect(small.locator('.count').textContent()).resolves.toBe('3');
    await small.click();
    await expect.poll(filterTotal).toBe(3);
    await expect.poll(focusedIndex).toBe('0');
    await shoot('03-folder-tree');
    // keyboard: → opens the dataset folder, ↓ goes to its first subfolder, Enter filters
    const dataset = tree.locator(`[data-path="${fs.realpathSync(ALPACA_DIR)}"]`);
    await dataset.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => dataset.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('ArrowDown');
    const alpacaFolder = tree.locator(`[data-path="${fs.realpathSync(path.join(ALPACA_DIR, 'alpaca'))}"]`);
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("data-path")')).toBe(fs.realpathSync(path.join(ALPACA_DIR, 'alpaca')));
    const alpacaCount = Number(await alpacaFolder.locator('.count').textContent());
    await page.keyboard.press('Enter');
    await expect.poll(filterTotal).toBe(alpacaCount);
    await expect.poll(() => alpacaFolder.getAttribute('aria-selected')).toBe('true');
    await page.getByRole('button', { name: 'All folders' }).click();
    await expect.poll(filterTotal).toBe(alpacaCount + (await server.call('photos.list', { folder: path.join(ALPACA_DIR, 'not_alpaca'), limit: 1 })).total + 3);
  });

  it('moves the cursor to the last photo with End and back to the first with Home', async () => {
    await page.locator('[role="gridcell"][data-index="0"]').click();
    const total = await filterTotal();
    await page.keyboard.press('End');
    await expect.poll(focusedIndex).toBe(String(total - 1));
    await expect.poll(() => page.locator(`[role="gridcell"][data-index="${total - 1}"]`).getAttribute('aria-selected')).toBe('true');
    expect(await cursorInView()).toBe(true);
    await shoot('04-end');
    await page.keyboard.press('Home');
    await expect.poll(focusedIndex).toBe('0');
    await page.keyboard.press('PageDown');
    await expect.poll(async () => Number(await focusedIndex())).toBeGreaterThan(0);
  });

  it('shows the 8×8 photo at 8×8 CSS pixels at 1:1, larger when zoomed in, with sharp pixels', async () => {
    await page.keyboard.press('/');
    await page.keyboard.type('tiny_8x8');
    await page.keyboard.press('Enter');
    await expect.poll(filterTotal).toBe(1);
    await page.keyboard.press('Enter');
    await page.getByTestId('viewer-image').waitFor();
    // fitted, the tiny photo fills the stage
    await expect.poll(async () => (await viewerImageBox())?.width ?? 0).toBeGreaterThan(200);
    await shoot('05-viewer-fit-tiny');
    await page.keyboard.press('z');
    await expect.poll(async () => (await viewerImageBox())?.width).toBe(8);
    expect((await viewerImageBox())?.height).toBe(8);
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await expect.poll(async () => (await viewerImageBox())?.width ?? 0).toBeGreaterThan(8);
    await expect(page.evaluate(`getComputedStyle(document.querySelector('[data-testid="viewer-image"]')).imageRendering`)).resolves.toBe('pixelated');
    await page.keyboard.press('0');
    await expect.poll(async () => (await viewerImageBox())?.width ?? 0).toBeGreaterThan(200);
    await page.keyboard.press('f');
    await expect.poll(() => page.evaluate('document.fullscreenElement?.getAttribute("data-testid") ?? null')).toBe('photo-viewer');
    await page.keyboard.press('f');
    await expect.poll(() => page.evaluate('document.fullscreenElement === null')).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('photo-viewer').waitFor({ state: 'detached' });
    await page.keyboard.press('/');
    await page.keyboard.press('Escape');
  });

  it('pans a zoomed photo with the arrow keys', async () => {
    await page.locator('[role="gridcell"][data-index="0"]').dblclick();
    await page.getByTestId('viewer-image').waitFor();
    for (let i = 0; i < 4; i++) await page.keyboard.press('+');
    const before = await viewerImageBox();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await viewerImageBox())?.x).toBeGreaterThan(before!.x);
    await shoot('06-viewer-zoomed');
    await page.keyboard.press('Escape');
    await page.getByTestId('photo-viewer').waitFor({ state: 'detached' });
  });

  it('shows the predicted class, the confidence and ✓/✗ on the tiles after a training, and hides them with P (remembered)', async () => {
    await waitForJob(server, (await server.call('training.start', FAST_TRAINING)).jobId, JOB_TIMEOUT_MS);
    const classNames = (await server.call('classes.list', {})).map((c) => c.name);
    const line = page.locator('[role="gridcell"][data-index="0"] [data-testid="tile-prediction"]');
    await expect.poll(async () => (await line.textContent({ timeout: 1_000 }).catch(() => '')) ?? '', { timeout: 30_000 }).toMatch(new RegExp(`[✓✗]\\s*(${classNames.join('|')})\\s*\\d+%`));
    await shoot('07-predictions-on-tiles');
    await page.locator('[role="gridcell"][data-index="0"]').click();
    await page.keyboard.press('p');
    await expect.poll(() => line.count()).toBe(0);
    await page.reload();
    await page.locator('[data-index="0"][data-photo-id] img').waitFor();
    expect(await line.count()).toBe(0);
    await page.getByTestId('show-predictions').check();
    await expect.poll(() => line.count()).toBe(1);
  }, JOB_TIMEOUT_MS + 60_000);

  it('shows near-duplicates side by side with their distance, and keeps one while excluding the rest', async () => {
    const inGroups = (await server.call('library.stats', {})).photosInDuplicateGroups;
    expect(inGroups).toBeGreaterThanOrEqual(2);
    await page.getByRole('checkbox', { name: /Near-duplicates/ }).check();
    await expect.poll(filterTotal).toBe(inGroups);
    const badges = page.locator('[data-testid="dup-badge"]');
    await expect.poll(async () => (await badges.allTextContents()).length).toBe(inGroups);
    const texts = await badges.allTextContents();
    for (const text of texts) expect(text).toMatch(/^group \d+ · \d+ bits$/);
    // each group's members are adjacent: a group number never comes back after another one
    const groups = texts.map((text) => Number(/group (\d+)/.exec(text)![1]));
    const runs = groups.filter((group, i) => i === 0 || group !== groups[i - 1]);
    expect(new Set(runs).size).toBe(runs.length);
    expect(groups[1]).toBe(groups[0]);
    await page.locator('[role="gridcell"][data-index="0"]').click();
    const keptId = Number(await page.locator('[role="gridcell"][data-index="0"]').getAttribute('data-photo-id'));
    const otherId = Number(await page.locator('[role="gridcell"][data-index="1"]').getAttribute('data-photo-id'));
    await page.getByTestId('keep-one').click();
    await expect.poll(async () => (await server.call('photos.get', { id: otherId })).excluded).toBe(true);
    expect((await server.call('photos.get', { id: keptId })).excluded).toBe(false);
    await expect.poll(() => page.locator('[role="gridcell"][data-index="1"] .excluded').count()).toBe(1);
    await shoot('08-near-duplicates');
  });
});
