// End to end in Chromium against browser mode: "the 2024 trip's alpacas" in the grid — the Label filter, then a trip
// in When, then a place in Where, each narrowing the grid. A screenshot goes to test-results/screenshots/.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import type { ServedStudio } from '../helpers/studio-browser.js';
import { SCREENSHOT_DIR, openStudioPage } from '../helpers/studio-page.js';
import { TRIP_PLACES, writeTripPhotos } from '../helpers/trip-photos.js';


let server: ServedStudio;
let browser: Browser;
let page: Page;
const tmp = makeTempDir('studio-e2e-where-');

const filterTotal = async () => Number((await page.getByTestId('filter-total').textContent())?.replace(/[^\d]/g, '') ?? NaN);

const gridFileNames = async () => (await page.locator('[role="gridcell"] img').evaluateAll((imgs) => imgs.map((img) => img.getAttribute('alt') ?? ''))).sort();

describe('the When and Where filters in a browser', () => {
  beforeAll(async () => {
    const photos = await writeTripPhotos(path.join(tmp, 'trip'));
    const library = path.join(tmp, 'library');
    const io = { stdout: () => {}, stderr: () => {}, stderrIsTty: false };
    expect(await main(['import', photos, '--labels-from-folders', '--library', library], io)).toBe(0);
    ({ server, browser, page } = await openStudioPage(library));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('narrows the grid to a trip\'s alpacas, then to one place of the trip', async () => {
    await expect.poll(filterTotal).toBe(12);
    const alpaca = (await server.call('classes.list', {})).find((c) => c.name === 'alpaca')!;
    await page.getByTestId('filter-label').selectOption(String(alpaca.id));
    await expect.poll(filterTotal).toBe(7);

    const when = page.getByTestId('filter-when');
    // the trip's option counts the alpacas of its two days
    await expect.poll(() => when.locator('option[value="2024-05-01..2024-05-02"]').textContent()).toBe('1–2 May 2024 · 2 days (5)');
    await when.selectOption('2024-05-01..2024-05-02');
    await expect.poll(filterTotal).toBe(5);

    const { places } = await server.call('photos.places', { sort: 'name', descending: false });
    const pisac = places.find((p) => Math.abs(p.lat - TRIP_PLACES.pisac.lat) < 0.01)!;
    const where = page.getByTestId('filter-where');
    await expect.poll(() => where.locator(`option[value="${pisac.id}"]`).textContent()).toBe('13.4224° S, 71.8570° W (2) · 1–2 May 2024');
    await where.selectOption(String(pisac.id));
    await expect.poll(filterTotal).toBe(2);
    await expect.poll(gridFileNames).toEqual(['a3.jpg', 'a4.jpg']);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'where-when-filters.png') });

    // one day of the trip, anywhere: only the alpacas of 2 May
    await where.selectOption('');
    await when.selectOption('2024-05-02..2024-05-02');
    await expect.poll(filterTotal).toBe(2);
    await when.selectOption('undated');
    await expect.poll(filterTotal).toBe(2);
    await where.selectOption('none');
    await expect.poll(filterTotal).toBe(1);
  });
});
