// Remove from library and the server-side folder picker, in Chromium against browser mode: a selection leaves the
// library (counts drop, files stay), Ctrl+Z brings it back with its labels; the Import panel browses the server's
// folders from the home folder with the keyboard alone and imports the chosen one. Screenshots go to
// test-results/screenshots/.
import fs from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { fingerprintFiles } from '../helpers/file-fingerprints.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { buildRenderer, launchChromium, startServe, type ServedStudio } from '../helpers/studio-browser.js';
import { SCREENSHOT_DIR, waitForJob } from '../helpers/studio-page.js';

const HIKE_DIR = path.join(SHARED_DIR, 'photos', 'hike-unlabeled');
const TRIP_PHOTOS = ['Aqua.jpg', 'Dune.jpg', 'Wood.jpg'];
const JOB_TIMEOUT_MS = 120_000;

let server: ServedStudio;
let browser: Browser;
let page: Page;
let home: string;
let photosDir: string;

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Serious and critical axe-core violations inside the open dialog (the new picker and panel). */
async function dialogViolations(): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: axe.source });
  return (await page.evaluate(`axe.run('[role="dialog"]', { resultTypes: ['violations'] }).then((r) => r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target).join(' ')))`)) as string[];
}

const stats = () => server.call('library.stats', {});
const filterTotal = async () => Number((await page.getByTestId('filter-total').textContent())?.replace(/[^\d]/g, '') ?? NaN);
const browserPath = () => page.getByTestId('folder-browser-path').textContent();
const activeOption = () => page.locator('[data-testid="folder-list"] [role="option"][aria-selected="true"] .name').textContent();

describe('remove from library and the folder picker in browser mode', () => {
  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    home = makeTempDir('studio-remove-home-');
    photosDir = copyAlpacaSubset(path.join(home, 'aaa-labeled'), 6);
    for (const name of TRIP_PHOTOS) {
      fs.mkdirSync(path.join(home, 'trips', '2024-06'), { recursive: true });
      fs.copyFileSync(path.join(HIKE_DIR, name), path.join(home, 'trips', '2024-06', name));
    }
    fs.mkdirSync(path.join(home, '.cache', 'icons'), { recursive: true });
    fs.copyFileSync(path.join(HIKE_DIR, 'Storm.jpg'), path.join(home, '.cache', 'icons', 'Storm.jpg'));
    const rendererDir = makeTempDir('studio-remove-renderer-');
    await buildRenderer(rendererDir);
    server = await startServe(makeTempDir('studio-remove-library-'), rendererDir, { env: { HOME: home } });
    await waitForJob(server, (await server.call('photos.import', { root: photosDir, labelsFromFolders: true })).jobId, JOB_TIMEOUT_MS);
    browser = await launchChromium();
    // bypassCSP: the app's policy (script-src 'self') would refuse the axe-core script the test injects
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true })).newPage();
    page.on('pageerror', (error) => console.error('[page error]', error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('removes a selection (counts drop, files stay) and Ctrl+Z brings it back with its labels', async () => {
    const files = fingerprintFiles(photosDir);
    const before = await stats();
    expect(before.photos).toBe(12);
    await page.goto(server.url);
    await page.locator('[data-index="0"][data-photo-id]').waitFor();
    await expect.poll(filterTotal).toBe(12);
    // three photos with the keyboard: the cursor's photo, then Shift+→ twice
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => page.getByTestId('selection-bar').textContent()).toContain('3 selected');
    const chosen = (await page.locator('[role="gridcell"][aria-selected="true"]').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-photo-id'))))).sort();
    expect(chosen).toHaveLength(3);
    const labelsBefore = await Promise.all(chosen.map(async (id) => (await server.call('photos.get', { id })).classId));
    expect(labelsBefore.every((classId) => classId !== null)).toBe(true);
    await shoot('remove-01-selection');

    await page.getByTestId('remove-selection').click();
    await expect.poll(filterTotal).toBe(9);
    expect((await stats()).photos).toBe(9);
    expect((await stats()).labeled).toBe(before.labeled - 3);
    await expect.poll(() => page.locator('footer').textContent()).toContain('9 photos');
    await expect(server.call('photos.get', { id: chosen[0]! })).rejects.toThrow(/NOT_FOUND/);
    expect(fingerprintFiles(photosDir)).toEqual(files);
    await shoot('remove-02-removed');

    await page.keyboard.press('Control+z');
    await expect.poll(filterTotal).toBe(12);
    expect(await stats()).toEqual(before);
    expect(await Promise.all(chosen.map(async (id) => (await server.call('photos.get', { id })).classId))).toEqual(labelsBefore);
    // the place is kept: the restored photos are selected again, the cursor on the first of them
    await expect.poll(() => page.getByTestId('selection-bar').textContent()).toContain('3 selected');
    expect(fingerprintFiles(photosDir)).toEqual(files);
    await shoot('remove-03-undone');
  });

  it('browses from the home folder to a folder with the keyboard and imports it', async () => {
    await page.locator('header').getByRole('button', { name: 'Import folder…' }).click();
    await page.getByTestId('import-browse').click();
    await expect.poll(browserPath).toBe(home);
    // the list has the focus; hidden folders are left out
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("data-testid")')).toBe('folder-list');
    expect(await page.locator('[data-testid="folder-list"] [role="option"] .name').allTextContents()).toEqual(['aaa-labeled', 'trips']);
    await shoot('browse-00-home');
    await page.keyboard.press('ArrowDown');
    await expect.poll(activeOption).toBe('trips');
    await page.keyboard.press('Enter');
    await expect.poll(browserPath).toBe(path.join(home, 'trips'));
    await expect.poll(() => page.locator('[data-testid="folder-list"] [role="option"]').first().textContent()).toMatch(/2024-06\s*3 photos/);
    await page.keyboard.press('Enter');
    await expect.poll(browserPath).toBe(path.join(home, 'trips', '2024-06'));
    // Backspace goes up, with the folder it came from highlighted
    await page.keyboard.press('Backspace');
    await expect.poll(browserPath).toBe(path.join(home, 'trips'));
    await expect.poll(activeOption).toBe('2024-06');
    await page.keyboard.press('Enter');
    await expect.poll(browserPath).toBe(path.join(home, 'trips', '2024-06'));
    await shoot('browse-01-picker');
    expect(await dialogViolations()).toEqual([]);

    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("data-testid")')).toBe('folder-choose');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('import-path').inputValue()).toBe(path.join(home, 'trips', '2024-06'));
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("data-testid")')).toBe('import-start');
    await page.keyboard.press('Enter');
    await page.getByTestId('import-report').waitFor({ timeout: JOB_TIMEOUT_MS });
    expect((await stats()).photos).toBe(15);
    const imported = await server.call('photos.list', { folder: path.join(home, 'trips', '2024-06'), limit: 10 });
    expect(imported.items.map((p) => p.fileName).sort()).toEqual(TRIP_PHOTOS);
    await shoot('browse-02-imported');
  });

  it('previews and removes a folder from the Remove panel, and Ctrl+Z brings it back', async () => {
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('open-remove').click();
    const trip = path.join(home, 'trips', '2024-06');
    await page.getByTestId('remove-folder').fill(trip);
    await page.getByTestId('remove-preview').click();
    await expect.poll(() => page.getByTestId('remove-report').textContent()).toContain('3 photos would leave the library (0 labeled)');
    expect((await stats()).photos).toBe(15);
    await shoot('remove-04-folder-preview');
    expect(await dialogViolations()).toEqual([]);
    await page.getByTestId('remove-start').click();
    await expect.poll(async () => (await stats()).photos).toBe(12);
    await expect.poll(() => page.getByTestId('remove-panel').count()).toBe(0);
    await expect.poll(filterTotal).toBe(12);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await stats()).photos).toBe(15);
    await expect.poll(filterTotal).toBe(15);
  });
});
