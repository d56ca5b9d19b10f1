// The labeling loop with the keyboard, in Chromium against browser mode: from app load, the 16 unlabeled hike
// photos are labeled with one key each; then one step per bug a new user met (focused buttons, keyboard traps,
// undo that lost the place, review that invited damage, risky import), each checked through the API.
// Screenshots go to test-results/screenshots/ (git-ignored).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { buildRenderer, launchChromium, startServe, type ServedStudio } from '../helpers/studio-browser.js';
import { SCREENSHOT_DIR, waitForJob } from '../helpers/studio-page.js';

const ALPACA_DIR = path.join(SHARED_DIR, 'datasets', 'alpaca');
const HIKE_DIR = path.join(SHARED_DIR, 'photos', 'hike-unlabeled');
const HIKE_PHOTOS = 16;
const KEYSTROKE_BUDGET = 18;
/** Small and quick on 2 shared cores: the review steps need a run, not a good one. */
const QUICK_TRAINING = { epochs: 5, inputSize: 96, alpha: 0.35, weightsDir: path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop') } as const;
const JOB_TIMEOUT_MS = 240_000;

let server: ServedStudio;
let browser: Browser;
let page: Page;

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

async function importByApi(root: string, labelsFromFolders: boolean): Promise<void> {
  await waitForJob(server, (await server.call('photos.import', { root, labelsFromFolders })).jobId, JOB_TIMEOUT_MS);
}

async function classIdNamed(name: string): Promise<number> {
  const found = (await server.call('classes.list', {})).find((c) => c.name === name);
  expect(found, `class ${name}`).toBeDefined();
  return found!.id;
}

const unlabeledCount = async () => (await server.call('library.stats', {})).unlabeled;
const labelOf = async (photoId: number) => (await server.call('photos.get', { id: photoId })).classId;

/** What has the keyboard focus: its role, test id, grid index and text (the node tsconfig has no DOM types). */
async function focused(): Promise<{ role: string | null; testId: string | null; index: string | null; photoId: string | null; tag: string; text: string }> {
  return (await page.evaluate(`(() => { const el = document.activeElement; return {
    role: el?.getAttribute('role') ?? null, testId: el?.getAttribute('data-testid') ?? null,
    index: el?.getAttribute('data-index') ?? null, photoId: el?.getAttribute('data-photo-id') ?? null,
    tag: el?.tagName ?? '', text: (el?.textContent ?? '').trim().slice(0, 60) }; })()`)) as never;
}

const filterTotal = async () => Number((await page.getByTestId('filter-total').textContent())?.replace(/[^\d]/g, '') ?? NaN);
const unlabeledInClassBar = async () => Number((await page.getByTestId('class-bar').getByRole('button', { name: /Unlabeled/ }).textContent())?.replace(/[^\d]/g, '') ?? NaN);
const cursorCell = () => page.locator('[role="gridcell"].focused');

describe('the labeling loop with the keyboard alone', () => {
  let mouseEvents = 0;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const rendererDir = makeTempDir('studio-keys-renderer-');
    await buildRenderer(rendererDir);
    server = await startServe(makeTempDir('studio-keys-library-'), rendererDir);
    await importByApi(ALPACA_DIR, true);
    await importByApi(HIKE_DIR, false);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    page.on('console', (message) => { if (message.type() === 'error') console.error('[console]', message.text()); });
    await page.exposeFunction('countMouseEvent', () => { mouseEvents++; });
    // a key on a focused button fires a synthetic click with detail 0: only real pointer events count
    await page.addInitScript(`for (const type of ['mousedown', 'mouseup', 'pointerdown', 'click', 'dblclick', 'wheel']) window.addEventListener(type, (event) => { if (type !== 'click' || event.detail > 0) window.countMouseEvent(); }, true);`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it(`labels the ${HIKE_PHOTOS} unlabeled hike photos from app load in at most ${KEYSTROKE_BUDGET} keystrokes, without the mouse`, async () => {
    expect(await unlabeledCount()).toBe(HIKE_PHOTOS);
    const notAlpaca = await classIdNamed('not_alpaca');
    const key = String((await server.call('classes.list', {})).sort((a, b) => a.order - b.order).findIndex((c) => c.id === notAlpaca) + 1);
    await page.goto(server.url);
    await page.locator('[data-index="0"][data-photo-id]').waitFor();
    await page.getByTestId('class-bar').locator(`[data-class-id="${notAlpaca}"]`).waitFor();
    // the grid has the focus when the app opens
    await expect.poll(async () => (await focused()).role).toBe('gridcell');
    await shoot('keys-01-app-open');

    let keystrokes = 0;
    const press = async (k: string) => {
      keystrokes++;
      await page.keyboard.press(k);
    };
    await press('u');
    await expect.poll(async () => (await cursorCell().getAttribute('title')) ?? '').toContain('unlabeled');
    await shoot('keys-02-next-unlabeled');
    for (let i = 0; i < HIKE_PHOTOS; i++) await press(key);
    await expect.poll(unlabeledCount, { timeout: 20_000 }).toBe(0);
    const hike = await server.call('photos.list', { folder: HIKE_DIR, limit: 100 });
    expect(hike.items.map((photo) => photo.classId)).toEqual(Array(HIKE_PHOTOS).fill(notAlpaca));
    expect(keystrokes).toBeLessThanOrEqual(KEYSTROKE_BUDGET);
    expect(mouseEvents).toBe(0);
    console.info(`[e2e] ${HIKE_PHOTOS} photos labeled with ${keystrokes} keystrokes`);
    await shoot('keys-03-all-labeled');
  });

  it('bug 1: Enter and Space work on a focused button in the Library view', async () => {
    await page.getByTestId('class-bar').getByRole('button', { name: /Unlabeled/ }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('class-bar').locator('li.active').textContent()).toContain('Unlabeled');
    await page.getByTestId('class-bar').getByRole('button', { name: /All photos/ }).focus();
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByTestId('class-bar').locator('li.active').textContent()).toContain('All photos');
    // the filter change gave the focus back to the grid
    await expect.poll(async () => (await focused()).role).toBe('gridcell');
    const importButton = page.locator('header').getByRole('button', { name: 'Import folder…' });
    await importButton.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('import-panel').waitFor();
    await expect.poll(async () => (await focused()).testId).toBe('import-path');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('import-panel').count()).toBe(0);
    // the dialog gave the focus back to the button that opened it
    await expect.poll(async () => (await focused()).text).toBe('Import folder…');
    expect(mouseEvents).toBe(0);
  });

  it('bug 2: no keyboard traps: a select hands the arrows back to the grid, a ticked checkbox keeps Alt+1–4, Tab reaches the grid', async () => {
    const labelSelect = page.getByTestId('filter-label');
    const alpaca = await classIdNamed('alpaca');
    await labelSelect.focus();
    await labelSelect.selectOption(String(alpaca));
    await expect.poll(async () => (await focused()).role).toBe('gridcell');
    const before = (await focused()).index;
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await focused()).index).not.toBe(before);
    expect(await labelSelect.inputValue()).toBe(String(alpaca));
    await labelSelect.focus();
    await labelSelect.selectOption('');

    const duplicates = page.getByRole('checkbox', { name: /Near-duplicates/ });
    await duplicates.focus();
    await page.keyboard.press(' ');
    await expect.poll(() => duplicates.isChecked()).toBe(true);
    await duplicates.focus();
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.locator('[data-view="train"]').getAttribute('class')).toContain('active');
    await page.keyboard.press('Alt+1');
    await expect.poll(() => page.locator('[data-view="library"]').getAttribute('class')).toContain('active');
    await duplicates.focus();
    await page.keyboard.press(' ');
    await expect.poll(() => duplicates.isChecked()).toBe(false);
    // the unfiltered grid is back (while its pages reload it has no cell to tab to): as many rows as every photo needs
    const { total } = await server.call('photos.list', { limit: 1 });
    const grid = page.getByTestId('photo-grid');
    const rowsMissing = async () => Math.ceil(total / Number(await grid.getAttribute('aria-colcount'))) - Number(await grid.getAttribute('aria-rowcount'));
    await expect.poll(rowsMissing).toBe(0);
    await page.locator('[role="gridcell"][tabindex="0"]').waitFor();

    // Tab from the sort control reaches the grid (past the view controls and, before a first run, the start strip;
    // the grid is one Tab stop), and one more Tab leaves it
    await page.getByTestId('sort').focus();
    let tabs = 0;
    while ((await focused()).role !== 'gridcell' && tabs < 15) {
      await page.keyboard.press('Tab');
      tabs++;
    }
    expect((await focused()).role).toBe('gridcell');
    expect(await page.locator('[role="gridcell"][tabindex="0"]').count()).toBe(1);
    expect(await page.locator('[role="row"]').count()).toBeGreaterThan(0);
    await page.keyboard.press('Tab');
    expect((await focused()).role).not.toBe('gridcell');
    await shoot('keys-04-tab-left-grid');
    expect(mouseEvents).toBe(0);
  });

  it('bug 4: undo in the Unlabeled filter brings the photo back under the cursor, with counts that agree', async () => {
    const hike = (await server.call('photos.list', { folder: HIKE_DIR, limit: 100 })).items;
    await server.call('labels.set', { photoIds: hike.slice(0, 6).map((photo) => photo.id), classId: null });
    await expect.poll(unlabeledInClassBar).toBe(6);
    await page.getByTestId('class-bar').getByRole('button', { name: /Unlabeled/ }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(filterTotal).toBe(6);
    await expect.poll(async () => (await focused()).role).toBe('gridcell');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await focused()).index).toBe('2');
    const labeled: number[] = [];
    for (let i = 0; i < 3; i++) {
      labeled.push(Number((await focused()).photoId));
      await page.keyboard.press('1');
      // the labeled photo leaves the list, the cursor stays in place
      await expect.poll(filterTotal).toBe(5 - i);
      await expect.poll(async () => (await focused()).photoId).not.toBe(String(labeled.at(-1)));
    }
    expect((await focused()).index).toBe('2');
    await expect.poll(unlabeledInClassBar).toBe(3);
    await shoot('keys-05-unlabeled-after-three');

    await page.keyboard.press('Control+z');
    await expect.poll(() => labelOf(labeled[2]!)).toBeNull();
    await expect.poll(filterTotal).toBe(4);
    await expect.poll(async () => (await focused()).photoId).toBe(String(labeled[2]));
    await expect.poll(unlabeledInClassBar).toBe(4);
    await shoot('keys-06-undo-keeps-place');
    const undoneAt = Number((await focused()).index);
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Number((await focused()).index)).toBe(Math.min(undoneAt + 1, 3));
    expect(mouseEvents).toBe(0);
  });

  it('bug 4: undo in the viewer stays on the photo the viewer shows, and its position follows it', async () => {
    const viewerPhoto = () => page.getByTestId('photo-viewer').locator('img[data-photo-id]').getAttribute('data-photo-id');
    const position = () => page.getByTestId('viewer-position').textContent();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await focused()).index).toBe('1');
    await page.keyboard.press('Enter');
    await page.getByTestId('photo-viewer').waitFor();
    await expect.poll(async () => (await focused()).role).toBe('dialog');
    await expect.poll(position).toBe('2 / 4');
    const first = await viewerPhoto();
    await page.keyboard.press('1');
    await expect.poll(position).toBe('2 / 3');
    const shown = await viewerPhoto();
    expect(shown).not.toBe(first);
    await page.keyboard.press('Control+z');
    await expect.poll(() => labelOf(Number(first))).toBeNull();
    await expect.poll(position).toBe('3 / 4');
    expect(await viewerPhoto()).toBe(shown);
    await shoot('keys-07-viewer-undo');
    // Tab stays inside the viewer; Esc closes it and the grid has the focus on the photo it showed
    for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(`document.querySelector('[data-testid="photo-viewer"]').contains(document.activeElement)`)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('photo-viewer').count()).toBe(0);
    await expect.poll(async () => (await focused()).photoId).toBe(shown);
    expect(mouseEvents).toBe(0);
  });

  it('bug 5: review offers two equal choices, A does not accept, Keep counts as kept, and undo puts the item back (redo takes it out again)', async () => {
    // a few landscapes labeled "alpaca": the model disagrees with them, so the misclassified queue has items
    const hike = (await server.call('photos.list', { folder: HIKE_DIR, limit: 100 })).items;
    const alpaca = await classIdNamed('alpaca');
    const notAlpaca = await classIdNamed('not_alpaca');
    await server.call('labels.set', { photoIds: hike.map((photo) => photo.id), classId: notAlpaca });
    await server.call('labels.set', { photoIds: hike.slice(0, 4).map((photo) => photo.id), classId: alpaca });
    await waitForJob(server, (await server.call('training.start', QUICK_TRAINING)).jobId, JOB_TIMEOUT_MS);
    const queue = await server.call('review.queue', { queue: 'misclassified', limit: 5 });
    expect(queue.total, 'misclassified photos after training').toBeGreaterThanOrEqual(2);

    await page.keyboard.press('Alt+4');
    const item = page.getByTestId('review-item');
    await page.locator('[data-queue="misclassified"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => item.getAttribute('data-photo-id')).toBe(String(queue.items[0]!.photo.id));
    const firstId = queue.items[0]!.photo.id;
    const firstLabel = queue.items[0]!.photo.classId;
    // equal weight: no primary button, and neither choice holds the focus
    expect(await page.locator('[data-review-stage] button.primary').count()).toBe(0);
    expect(await page.getByTestId('review-score').textContent()).toContain('confidence');
    await shoot('keys-08-review-choices');

    await page.keyboard.press('a');
    await page.keyboard.press('Enter');
    expect(await labelOf(firstId)).toBe(firstLabel);
    expect(await item.getAttribute('data-photo-id')).toBe(String(firstId));

    await page.keyboard.press('k');
    await expect.poll(() => page.getByTestId('review-session').textContent()).toContain('1 kept');
    expect(await page.getByTestId('review-session').textContent()).not.toContain('fixed');
    expect(await item.getAttribute('data-photo-id')).not.toBe(String(firstId));
    await page.keyboard.press('Control+z');
    await expect.poll(() => item.getAttribute('data-photo-id')).toBe(String(firstId));
    await expect.poll(() => page.getByTestId('review-session').textContent()).not.toContain('kept');

    const predictedKey = String((await server.call('classes.list', {})).sort((a, b) => a.order - b.order).findIndex((c) => c.id === queue.items[0]!.predictedClassId) + 1);
    await page.keyboard.press(predictedKey);
    await expect.poll(() => labelOf(firstId)).toBe(queue.items[0]!.predictedClassId);
    await expect.poll(() => page.getByTestId('review-session').textContent()).toContain('1 fixed');
    await page.keyboard.press('Control+z');
    await expect.poll(() => labelOf(firstId)).toBe(firstLabel);
    await expect.poll(() => item.getAttribute('data-photo-id')).toBe(String(firstId));
    await expect.poll(() => page.getByTestId('review-session').textContent()).not.toContain('fixed');
    await expect.poll(async () => Number((await page.getByTestId('review-session').textContent())?.match(/(\d+) to review/)?.[1])).toBe(queue.total);
    await shoot('keys-09-review-undo');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => labelOf(firstId)).toBe(queue.items[0]!.predictedClassId);
    await expect.poll(() => page.getByTestId('review-session').textContent()).toContain('1 fixed');
    await expect.poll(() => item.getAttribute('data-photo-id')).not.toBe(String(firstId));
    expect(mouseEvents).toBe(0);
  });

  it('bug 6: import previews the classes before writing, leaves hidden folders out, refuses relative paths and closes on Esc', async () => {
    const folder = makeTempDir('studio-keys-import-');
    fs.mkdirSync(path.join(folder, '2024-06-trip'));
    fs.mkdirSync(path.join(folder, '.pyenv', 'icons'), { recursive: true });
    for (const name of ['Aqua.jpg', 'Dune.jpg']) fs.copyFileSync(path.join(HIKE_DIR, name), path.join(folder, '2024-06-trip', name));
    fs.copyFileSync(path.join(HIKE_DIR, 'Wood.jpg'), path.join(folder, '.pyenv', 'icons', 'Wood.jpg'));
    const classesBefore = (await server.call('classes.list', {})).map((c) => c.name).sort();
    const photosBefore = (await server.call('library.stats', {})).photos;

    await page.keyboard.press('Alt+1');
    const opener = page.locator('header').getByRole('button', { name: 'Import folder…' });
    await opener.focus();
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('import-panel');
    const labelsSwitch = panel.getByLabel(/Labels from folder names/);
    expect(await labelsSwitch.isChecked()).toBe(false);

    await page.keyboard.type('photos/2024');
    await panel.getByTestId('import-relative').waitFor();
    expect(await panel.getByTestId('import-start').isDisabled()).toBe(true);
    await expect(server.call('photos.import', { root: 'photos/2024', labelsFromFolders: false })).rejects.toThrow(/INVALID_INPUT.*absolute/);

    await panel.getByTestId('import-path').fill(folder);
    await labelsSwitch.focus();
    await page.keyboard.press(' ');
    const preview = panel.getByTestId('import-preview');
    await expect.poll(() => preview.textContent()).toContain('2024-06-trip');
    expect(await preview.textContent()).toMatch(/2024-06-trip\s*2 photos · new class/);
    expect(await preview.textContent()).not.toContain('.pyenv');
    expect(await preview.textContent()).toContain('1 hidden');
    await shoot('keys-10-import-preview');
    // the preview wrote nothing
    expect((await server.call('classes.list', {})).map((c) => c.name).sort()).toEqual(classesBefore);
    expect((await server.call('library.stats', {})).photos).toBe(photosBefore);

    await page.keyboard.press(' ');
    expect(await labelsSwitch.isChecked()).toBe(false);
    await panel.getByTestId('import-start').focus();
    await page.keyboard.press('Enter');
    await panel.getByTestId('import-report').waitFor({ timeout: JOB_TIMEOUT_MS });
    expect(await panel.getByTestId('import-hidden').textContent()).toContain('1 hidden');
    expect(await panel.getByTestId('import-report').textContent()).toContain('.pyenv');
    expect((await server.call('classes.list', {})).map((c) => c.name).sort()).toEqual(classesBefore);
    await shoot('keys-11-import-report');
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
    expect(mouseEvents).toBe(0);
  });
});
