// End to end in Chromium against browser mode, on a library with a finished run: photos imported afterwards are
// predicted as the import ends and the grid's Predicted filter shows them; H shows why the model chose a class (its
// class activation map over the photo) in the viewer and in review. Screenshots go to test-results/screenshots/.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import type { ServedStudio } from '../helpers/studio-browser.js';
import { SCREENSHOT_DIR, openStudioPage } from '../helpers/studio-page.js';

const WEIGHTS = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');
const HIKE = path.join(SHARED_DIR, 'photos', 'hike-unlabeled');

let server: ServedStudio;
let browser: Browser;
let page: Page;
const tmp = makeTempDir('studio-e2e-trained-');
const hike = path.join(tmp, 'hike');

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

describe('a trained library in a browser', () => {
  beforeAll(async () => {
    const subset = copyAlpacaSubset(path.join(tmp, 'subset'), 8);
    fs.cpSync(HIKE, hike, { recursive: true });
    const library = path.join(tmp, 'library');
    const lib = (...argv: string[]) => runCli(...argv, '--library', library);
    expect((await lib('import', subset, '--labels-from-folders')).code).toBe(0);
    // 224 px: a 7 × 7 map, so the screenshot shows where the heat lies
    const train = await lib('train', '--weights', WEIGHTS, '--alpha', '0.35', '--input-size', '224', '--resize', 'fill', '--mirror', 'off', '--epochs', '20', '--kfold', '0', '--val-split', '0.25');
    expect(train.code, train.stderr).toBe(0);
    ({ server, browser, page } = await openStudioPage(library));
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('predicts the 16 new hike photos as their import ends, and the Predicted filter shows them', async () => {
    await page.getByRole('button', { name: 'Import folder…' }).first().click();
    const panel = page.getByTestId('import-panel');
    await panel.getByTestId('import-path').fill(hike);
    await panel.getByLabel(/Labels from folder names/).setChecked(false);
    await panel.getByTestId('import-start').click();
    await panel.getByTestId('import-report').waitFor({ timeout: 120_000 });
    await expect(panel.getByTestId('import-predicted').innerText()).resolves.toBe('16 new photos predicted by run #1');
    await shoot('arrivals-01-import-report');
    await panel.getByRole('button', { name: 'Close' }).click();

    const { items } = await server.call('photos.list', { folder: hike, limit: 100 });
    expect(items).toHaveLength(16);
    expect(items.every((p) => p.prediction?.runId === 1)).toBe(true);
    const classes = await server.call('classes.list', {});
    const perClass = classes.map((c) => ({ c, ids: items.filter((p) => p.prediction?.classId === c.id).map((p) => p.id) }));
    const most = perClass.reduce((a, b) => (b.ids.length > a.ids.length ? b : a));

    await page.locator('[data-view="library"]').click();
    await page.getByTestId('folder-tree').locator(`[data-path="${fs.realpathSync(hike)}"]`).click();
    await expect.poll(() => page.getByTestId('filter-total').textContent()).toBe('16 photos');
    await page.getByLabel('Predicted').selectOption(String(most.c.id));
    await expect.poll(() => page.getByTestId('filter-total').textContent()).toBe(`${most.ids.length} photos`);
    await page.locator(`[data-photo-id="${most.ids[0]}"]`).waitFor();
    await shoot('arrivals-02-predicted-filter');
  });

  it('shows why a correctly classified alpaca is an alpaca: the heatmap over the photo in the viewer, toggled with H', async () => {
    const alpaca = (await server.call('classes.list', {})).find((c) => c.name === 'alpaca')!;
    const right = await server.call('photos.list', { classId: alpaca.id, predictedClassId: alpaca.id, sort: 'confidence', descending: true, limit: 100 });
    expect(right.total).toBeGreaterThan(0);
    const photo = right.items[0]!;
    await page.getByTestId('folder-chip').click();
    await page.getByLabel('Predicted').selectOption(String(alpaca.id));
    await page.getByTestId('filter-label').selectOption(String(alpaca.id));
    await expect.poll(() => page.getByTestId('filter-total').textContent()).toBe(`${right.total} photos`);
    await page.getByTestId('sort').selectOption('confidence');
    await page.locator(`[data-photo-id="${photo.id}"]`).dblclick();
    const viewer = page.getByTestId('photo-viewer');
    await viewer.locator(`img[data-photo-id="${photo.id}"]`).waitFor();
    const overlay = viewer.getByTestId('explain-overlay');
    expect(await overlay.count()).toBe(0);
    await page.keyboard.press('h');
    await expect.poll(() => overlay.getAttribute('data-state'), { timeout: 60_000 }).toBe('shown');
    await expect(overlay.innerText()).resolves.toMatch(/^Why alpaca \(\d+%\)/);
    const heat = viewer.locator('canvas.heat');
    const [heatBox, imageBox] = await Promise.all([heat.boundingBox(), viewer.locator(`img[data-photo-id="${photo.id}"]`).boundingBox()]);
    // a 'fill' run saw the whole photo: the heatmap covers the image exactly
    for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(heatBox![key] - imageBox![key])).toBeLessThan(1.5);
    await shoot('explain-01-viewer-heatmap');
    await page.keyboard.press('h');
    expect(await overlay.count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('shows the heatmap for the review item with H, for the queue’s run', async () => {
    await page.keyboard.press('Alt+4');
    await page.locator('[data-queue="uncertain"]').click();
    const item = page.getByTestId('review-item');
    await item.waitFor();
    await page.keyboard.press('h');
    const overlay = page.getByTestId('explain-overlay');
    await expect.poll(() => overlay.getAttribute('data-state'), { timeout: 60_000 }).toBe('shown');
    await expect(overlay.innerText()).resolves.toContain('run #1');
    await shoot('explain-02-review-heatmap');
    await page.keyboard.press('h');
    expect(await overlay.count()).toBe(0);
  });

  it('lists the heatmap key in the help overlay', async () => {
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help.innerText()).resolves.toContain('Show or hide why the model chose its class (heatmap)');
    await page.keyboard.press('?');
  });
});
