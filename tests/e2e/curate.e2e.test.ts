// End to end in Chromium against browser mode: the Curate dialog's dry run lists the plan and writes nothing, its run
// writes the sorted copies and reports them; with photos selected in the grid, it takes exactly those. A screenshot goes to test-results/screenshots/ (git-ignored).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli.js';
import { copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import type { ServedStudio } from '../helpers/studio-browser.js';
import { SCREENSHOT_DIR, openStudioPage } from '../helpers/studio-page.js';

const PER_CLASS = 4;
const CLASSES = ['alpaca', 'not_alpaca'];

let server: ServedStudio;
let browser: Browser;
let page: Page;
const tmp = makeTempDir('studio-e2e-curate-');
const out = path.join(tmp, 'sorted');

describe('the Curate dialog in a browser', () => {
  beforeAll(async () => {
    const subset = path.join(tmp, 'subset');
    copyAlpacaSubset(subset, PER_CLASS);
    const library = path.join(tmp, 'library');
    const io = { stdout: () => {}, stderr: () => {}, stderrIsTty: false };
    expect(await main(['import', subset, '--labels-from-folders', '--library', library], io)).toBe(0);
    ({ server, browser, page } = await openStudioPage(library));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists the planned copies per class in a dry run without writing, then writes them', async () => {
    await page.getByRole('button', { name: 'Curate…' }).click();
    const panel = page.getByTestId('curate-panel');
    await panel.getByTestId('curate-out').fill(out);
    await panel.getByTestId('curate-dry-run').click();
    const counts = panel.getByTestId('curate-counts');
    await counts.waitFor();
    expect((await counts.innerText()).replace(/\s+/g, ' ')).toBe(`alpaca ${PER_CLASS} not_alpaca ${PER_CLASS}`);
    expect(await panel.getByTestId('curate-report').locator('h3').first().innerText()).toMatch(/Dry run: nothing written · 8 would be written/);
    expect(fs.existsSync(out)).toBe(false);

    await panel.getByTestId('curate-run').click();
    await panel.getByTestId('curate-report').getByText('8 written').waitFor();
    expect(fs.readdirSync(out).sort()).toEqual(CLASSES);
    for (const c of CLASSES) expect(fs.readdirSync(path.join(out, c))).toHaveLength(PER_CLASS);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'curate-dialog.png') });
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
  });

  it('takes the photos selected in the grid by default, and its dry run lists exactly those', async () => {
    await page.locator('[role="gridcell"][data-index="0"]').click();
    await page.locator('[role="gridcell"][data-index="2"]').click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Curate…' }).click();
    const panel = page.getByTestId('curate-panel');
    const selected = panel.getByRole('radio', { name: 'the 2 selected photos' });
    expect(await selected.isChecked()).toBe(true);
    await panel.getByTestId('curate-out').fill(path.join(tmp, 'selected'));
    await panel.getByTestId('curate-dry-run').click();
    const report = panel.getByTestId('curate-report');
    await report.waitFor();
    expect(await report.locator('h3').first().innerText()).toMatch(/Dry run: nothing written · 2 would be written/);
    await report.getByText('Planned (2)').waitFor();
    expect(fs.existsSync(path.join(tmp, 'selected'))).toBe(false);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
  });
});
