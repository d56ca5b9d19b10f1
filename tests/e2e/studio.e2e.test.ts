// End to end in Chromium against browser mode: import, label with keys, undo/redo, retrain, runs, review, and
// persistence across a reload. Screenshots of every view go to test-results/screenshots/ (git-ignored).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { buildRenderer, launchChromium, startServe, type ServedStudio } from '../helpers/studio-browser.js';
import { SCREENSHOT_DIR } from '../helpers/studio-page.js';

const ALPACA_DIR = path.join(SHARED_DIR, 'datasets', 'alpaca');
const HIKE_DIR = path.join(SHARED_DIR, 'photos', 'hike-unlabeled');
const BAD_INPUTS_DIR = path.join(SHARED_DIR, 'bad-inputs');
/** The files of ../shared/bad-inputs that cannot be imported, with the start of the reason the report gives. */
const BAD_INPUTS_SKIPPED: Array<[string, string]> = [
  ['heic_real.heic', 'HEIC/HEVC is not supported'],
  ['text_with_jpg_ext.jpg', 'not an image'],
  ['truncated_60KB_of_555KB.jpg', 'truncated JPEG'],
  ['zero_bytes.jpg', 'empty file'],
];
/**
 * Small and fast enough for 2 shared cores; the point is the flow, not the accuracy. The default 5 folds stay (every
 * labeled photo gets an out-of-fold prediction); the live check uses one split, whose epochs are drawn from the
 * first (k-fold runs record only the final head's epochs, after the folds).
 */
const FAST_TRAINING = { epochs: '30', inputSize: '96', kfold: '5', weightsDir: path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop') };
/** The retrain that the Runs view must follow: one train/validation split, short. */
const SINGLE_SPLIT_TRAINING = { epochs: '10', kfold: '0' };
const TRAINING_TIMEOUT_MS = 150_000;
/** The most epochs a run may have: the live check cancels it long before the end. */
const LONG_TRAINING_EPOCHS = '500';
/** Epochs the chart must show while the job runs before the test cancels it. */
const LIVE_EPOCHS = 3;

let server: ServedStudio;
let browser: Browser;
let page: Page;

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

async function importFolder(root: string, labelsFromFolders: boolean): Promise<void> {
  await page.getByRole('button', { name: 'Import folder…' }).first().click();
  const panel = page.getByTestId('import-panel');
  await panel.getByTestId('import-path').fill(root);
  await panel.getByLabel(/Labels from folder names/).setChecked(labelsFromFolders);
  await panel.getByTestId('import-start').click();
  await panel.getByTestId('import-report').waitFor({ timeout: 120_000 });
}

async function closeImport(): Promise<void> {
  await page.getByTestId('import-panel').getByRole('button', { name: 'Close' }).click();
}

/** naturalWidth × naturalHeight of the first image matching a CSS selector (the node tsconfig has no DOM types). */
async function imageSize(selector: string): Promise<[number, number]> {
  const size: unknown = await page.evaluate(`(() => { const img = document.querySelector(${JSON.stringify(selector)}); return img ? [img.naturalWidth, img.naturalHeight] : null; })()`);
  expect(size, `an image at ${selector}`).not.toBeNull();
  return size as [number, number];
}

function filesIn(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isFile()).length;
}

/** The epochs the learning-curve chart draws (its data-epochs attribute), 0 while there is no chart. */
async function epochsShown(): Promise<number> {
  return Number((await page.getByTestId('learning-curves').getAttribute('data-epochs', { timeout: 1_000 }).catch(() => null)) ?? 0);
}

/** Scrolls the virtual grid (showing `filter`, sorted by name) until the cell of `photoId` is rendered. */
async function scrollGridTo(photoId: number, filter: { classId: number }): Promise<void> {
  const { items } = await server.call('photos.list', { ...filter, limit: 10_000 });
  const index = items.findIndex((p) => p.id === photoId);
  expect(index, `photo ${photoId} in the filtered list`).toBeGreaterThanOrEqual(0);
  const geometry = (await page.evaluate(`(() => {
    const cells = [...document.querySelectorAll('[data-testid="photo-grid"] [data-index]')].map((c) => c.getBoundingClientRect());
    const columns = cells.filter((r) => r.top === cells[0].top).length;
    const nextRow = cells.find((r) => r.top > cells[0].top);
    return { columns, rowHeight: nextRow ? nextRow.top - cells[0].top : cells[0].height };
  })()`)) as { columns: number; rowHeight: number };
  await page.evaluate(`document.querySelector('[data-testid="photo-grid"]').scrollTop = ${Math.floor(index / geometry.columns) * geometry.rowHeight}`);
  await page.locator(`[data-photo-id="${photoId}"]`).waitFor();
}

/** The Train view's settings panel: opens it, fills the given fields (by settings key), closes it. */
async function setTrainingFields(fields: Record<string, string>): Promise<void> {
  await page.getByRole('button', { name: 'Settings…' }).click();
  for (const [key, value] of Object.entries(fields)) {
    const field = page.locator(`[data-field="${key}"]`);
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await page.getByRole('button', { name: 'Hide settings' }).click();
}

async function retrainToTheEnd(): Promise<void> {
  await page.getByTestId('retrain').click();
  await expect.poll(() => page.getByTestId('train-outcome').textContent({ timeout: 1_000 }).catch(() => ''), { timeout: TRAINING_TIMEOUT_MS }).toContain('Training finished');
}

async function labelOf(photoId: number): Promise<number | null> {
  return (await server.call('photos.get', { id: photoId })).classId;
}

describe('the studio in a browser', () => {
  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const rendererDir = makeTempDir('studio-e2e-renderer-');
    await buildRenderer(rendererDir);
    server = await startServe(makeTempDir('studio-e2e-library-'), rendererDir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    page.on('console', (message) => { if (message.type() === 'error') console.error('[console]', message.text()); });
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('imports the alpaca dataset with labels from folders and shows the report', async () => {
    await importFolder(ALPACA_DIR, true);
    const report = page.getByTestId('import-report');
    await expect(report.textContent()).resolves.toContain(` ${filesIn(path.join(ALPACA_DIR, 'alpaca')) + filesIn(path.join(ALPACA_DIR, 'not_alpaca'))} added`);
    await shoot('01-import-report-alpaca');
    await closeImport();
    const classes = await server.call('classes.list', {});
    expect(classes.map((c) => c.name).sort()).toEqual(['alpaca', 'not_alpaca']);
    await expect(page.getByTestId('class-bar').textContent()).resolves.toContain('not_alpaca');
  });

  it('imports unlabeled hike photos and the bad inputs, reporting skipped files with reasons', async () => {
    await importFolder(HIKE_DIR, false);
    await closeImport();
    await importFolder(BAD_INPUTS_DIR, false);
    const report = (await page.getByTestId('import-report').textContent()) ?? '';
    expect(report).toContain(`Skipped (${BAD_INPUTS_SKIPPED.length})`);
    for (const [file, reason] of BAD_INPUTS_SKIPPED) expect(report).toMatch(new RegExp(`${file.replaceAll('.', '\\.')}\\s*${reason}`));
    await shoot('02-import-report-bad-inputs');
    await closeImport();
    const stats = await server.call('library.stats', {});
    expect(stats.unlabeled).toBe(filesIn(HIKE_DIR) + filesIn(BAD_INPUTS_DIR) - BAD_INPUTS_SKIPPED.length);
  });

  it('shows the grid with labels and counts', async () => {
    await page.locator('[data-index="0"] img').waitFor();
    const imported = filesIn(path.join(ALPACA_DIR, 'alpaca')) + filesIn(path.join(ALPACA_DIR, 'not_alpaca')) + filesIn(HIKE_DIR) + filesIn(BAD_INPUTS_DIR) - BAD_INPUTS_SKIPPED.length;
    expect((await server.call('library.stats', {})).photos).toBe(imported);
    await expect.poll(() => page.getByTestId('filter-total').textContent()).toBe(`${imported.toLocaleString('en-US')} photos`);
    await shoot('03-library-grid');
  });

  it('shows a rotated photo upright, in the grid and in the viewer', async () => {
    const page1 = await server.call('photos.list', { folder: BAD_INPUTS_DIR, limit: 100 });
    const rot6 = page1.items.find((photo) => photo.fileName === 'rot6.jpg');
    expect(rot6).toBeDefined();
    await page.getByTestId('folder-tree').locator(`[data-path="${fs.realpathSync(BAD_INPUTS_DIR)}"]`).click();
    const cell = page.locator(`[data-photo-id="${rot6!.id}"]`);
    await cell.locator('img').waitFor();
    await expect.poll(async () => (await imageSize(`[data-photo-id="${rot6!.id}"] img`))[0]).toBeGreaterThan(0);
    const [width, height] = await imageSize(`[data-photo-id="${rot6!.id}"] img`);
    // stored 384×512 with EXIF orientation 6: upright it is landscape
    expect(width).toBeGreaterThan(height);
    await shoot('04-library-bad-inputs');
    await cell.dblclick();
    await page.getByTestId('photo-viewer').locator('img').waitFor();
    await shoot('05-viewer-rot6');
    await expect.poll(async () => (await imageSize('[data-testid="photo-viewer"] img'))[0]).toBeGreaterThan(0);
    const [viewerWidth, viewerHeight] = await imageSize('[data-testid="photo-viewer"] img');
    expect(viewerWidth).toBeGreaterThan(viewerHeight);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'All folders' }).click();
  });

  let labeledId = 0;
  let firstClassId = 0;

  it('labels an unlabeled photo with a number key, committed through the API', async () => {
    firstClassId = [...(await server.call('classes.list', {}))].sort((a, b) => a.order - b.order)[0]!.id;
    await page.getByTestId('class-bar').getByRole('button', { name: /Unlabeled/ }).click();
    const cell = page.locator('[data-index="0"]');
    await cell.locator('img').waitFor();
    labeledId = Number(await cell.getAttribute('data-photo-id'));
    expect(await labelOf(labeledId)).toBeNull();
    await cell.click();
    await page.keyboard.press('1');
    await expect.poll(() => labelOf(labeledId)).toBe(firstClassId);
    // labeled, it leaves the Unlabeled list
    await expect.poll(() => page.locator(`[data-photo-id="${labeledId}"]`).count()).toBe(0);
    await shoot('06-library-labeled');
  });

  it('undoes and redoes the label with Ctrl+Z and Shift+Ctrl+Z', async () => {
    await page.keyboard.press('Control+z');
    await expect.poll(() => labelOf(labeledId)).toBeNull();
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => labelOf(labeledId)).toBe(firstClassId);
  });

  it('selects every photo in the filter with Ctrl+A, and a box of photos by dragging', async () => {
    await page.getByTestId('class-bar').getByRole('button', { name: /All photos/ }).click();
    await page.locator('[data-index="0"] img').waitFor();
    const total = (await server.call('library.stats', {})).photos;
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.getByTestId('selection-bar').textContent()).toContain(`${total} selected`);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('selection-bar').textContent()).not.toContain('selected');
    const first = (await page.locator('[data-index="0"]').boundingBox())!;
    const third = (await page.locator('[data-index="2"]').boundingBox())!;
    await page.mouse.move(first.x + 10, first.y + 10);
    await page.mouse.down();
    await page.mouse.move(third.x + 20, third.y + 20, { steps: 5 });
    await shoot('07-rubber-band');
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('selection-bar').textContent()).toContain('3 selected');
    await page.keyboard.press('Escape');
  });

  it('scrolls the grid while a drag is held near its bottom edge, growing the selection past the first screen', async () => {
    const scrollTop = async () => Number(await page.evaluate(`document.querySelector('[data-testid="photo-grid"]').scrollTop`));
    const selectedCount = async () => Number((await page.getByTestId('selection-bar').textContent())?.match(/(\d[\d,]*) selected/)?.[1]?.replace(/,/g, '') ?? 0);
    const grid = (await page.getByTestId('photo-grid').boundingBox())!;
    const onFirstScreen = Number(await page.evaluate(`[...document.querySelectorAll('[data-testid="photo-grid"] [data-index]')].filter((cell) => cell.getBoundingClientRect().top < ${grid.y + grid.height}).length`));
    expect(await scrollTop()).toBe(0);
    const first = (await page.locator('[data-index="0"]').boundingBox())!;
    await page.mouse.move(first.x + 10, first.y + 10);
    await page.mouse.down();
    // Across every column to near the bottom edge (clear of the scrollbar).
    await page.mouse.move(grid.x + grid.width - 30, grid.y + grid.height - 8, { steps: 5 });
    // No more pointer moves: the animation-frame loop alone keeps scrolling.
    await expect.poll(scrollTop, { timeout: 3_000 }).toBeGreaterThan(grid.height);
    await expect.poll(selectedCount).toBeGreaterThan(onFirstScreen);
    await shoot('07b-rubber-band-auto-scroll');
    await page.mouse.up();
    const stoppedAt = await scrollTop();
    // The auto-scroll runs once per animation frame: ten frames later it would have moved.
    await page.evaluate(`new Promise((done) => { let frames = 0; const tick = () => (++frames >= 10 ? done() : requestAnimationFrame(tick)); requestAnimationFrame(tick); })`);
    expect(await scrollTop()).toBe(stoppedAt);
    const selected = await selectedCount();
    expect(selected).toBeGreaterThan(onFirstScreen);
    await page.keyboard.press('Escape');
    await page.evaluate(`document.querySelector('[data-testid="photo-grid"]').scrollTop = 0`);
    await expect.poll(scrollTop).toBe(0);
  });

  it('creates, renames and deletes a class from the class bar, confirming that its photos become unlabeled', async () => {
    const bar = page.getByTestId('class-bar');
    await bar.getByLabel('New class name').fill('scenery');
    await bar.getByRole('button', { name: 'Add' }).click();
    await expect.poll(async () => (await server.call('classes.list', {})).map((c) => c.name)).toContain('scenery');
    const scenery = (await server.call('classes.list', {})).find((c) => c.name === 'scenery')!;
    await bar.locator(`[data-class-id="${scenery.id}"]`).getByTitle('Rename, merge or delete').click();
    await bar.getByLabel('Class name', { exact: true }).fill('landscape');
    await bar.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(async () => (await server.call('classes.list', {})).find((c) => c.id === scenery.id)?.name).toBe('landscape');
    await bar.locator(`[data-class-id="${scenery.id}"]`).getByTitle('Rename, merge or delete').click();
    await bar.getByRole('button', { name: 'Delete…' }).click();
    await expect(bar.textContent()).resolves.toContain('become unlabeled');
    await shoot('08-class-delete-confirm');
    await bar.getByRole('button', { name: 'Delete class' }).click();
    await expect.poll(async () => (await server.call('classes.list', {})).some((c) => c.id === scenery.id)).toBe(false);
  });

  it('moves the selection with the arrow keys and J/K', async () => {
    await page.locator('[data-index="0"]').click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('j');
    await expect.poll(() => page.locator('[data-index="2"]').getAttribute('class')).toContain('focused');
    await page.keyboard.press('k');
    await expect.poll(() => page.locator('[data-index="1"]').getAttribute('class')).toContain('selected');
    await page.keyboard.press('Escape');
  });

  it('lists every shortcut in the help overlay', async () => {
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help.textContent()).resolves.toContain('Undo the last label change');
    await shoot('09-help-overlay');
    await page.keyboard.press('Escape');
    await expect(help.count()).resolves.toBe(0);
  });

  it('draws learning curves live while a training runs, and stops it with Cancel', async () => {
    await page.locator('[data-view="train"]').click();
    await setTrainingFields({ epochs: LONG_TRAINING_EPOCHS, inputSize: FAST_TRAINING.inputSize, weightsDir: FAST_TRAINING.weightsDir, kfold: '0' });
    await page.getByTestId('retrain').click();
    await page.locator('[role="progressbar"]').waitFor({ timeout: 30_000 });
    await shoot('10-train-progress');
    // Gated on what the page shows, then stopped by us: the run cannot finish before the check.
    const curves = page.getByTestId('learning-curves');
    await expect.poll(() => epochsShown(), { timeout: TRAINING_TIMEOUT_MS }).toBeGreaterThanOrEqual(LIVE_EPOCHS);
    const job = (await server.call('jobs.list', {})).find((j) => j.kind.includes('train') && j.status === 'running');
    expect(job, 'a training job still running').toBeDefined();
    await expect(page.getByTestId('train-view').textContent()).resolves.toContain('(running)');
    await shoot('train-live-curves');
    await page.locator('[role="progressbar"]').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByTestId('train-outcome').textContent({ timeout: 1_000 }).catch(() => ''), { timeout: TRAINING_TIMEOUT_MS }).toContain('Training cancelled');
    expect((await server.call('jobs.get', { jobId: job!.jobId })).status).toBe('cancelled');
    const runs = await server.call('runs.list', {});
    expect(runs.map((r) => r.status)).toEqual(['cancelled']);
    const kept = (await server.call('runs.get', { id: runs[0]!.id })).epochs.length;
    expect(kept).toBeGreaterThanOrEqual(LIVE_EPOCHS);
    expect(kept).toBeLessThan(Number(LONG_TRAINING_EPOCHS));
    await expect.poll(() => epochsShown()).toBe(kept);
    await expect(curves.locator('canvas').count()).resolves.toBe(2);
    // one split: the held-out photos give a validation series
    await expect(curves.textContent()).resolves.toContain('validation');
  });

  it('retrains with one button to the end (5 folds), drawing every epoch of the final head and no validation line', async () => {
    await setTrainingFields({ epochs: FAST_TRAINING.epochs, kfold: FAST_TRAINING.kfold });
    await retrainToTheEnd();
    await expect.poll(() => epochsShown()).toBe(Number(FAST_TRAINING.epochs));
    const curves = page.getByTestId('learning-curves');
    await expect(curves.locator('canvas').count()).resolves.toBe(2);
    // the final head trains on every labeled photo: there is no validation series to list
    await expect(curves.textContent()).resolves.toContain('train');
    await expect(curves.textContent()).resolves.not.toContain('validation');
    await shoot('11-train-curves');
    // what the run changed against the settings before it (the defaults, for the first run)
    const [run] = await server.call('runs.list', {});
    expect(run!.changes.find((c) => c.key === 'epochs')?.to).toBe(FAST_TRAINING.epochs);
    const changed = run!.changes.map((c) => `${c.label.toLowerCase()} ${c.from} → ${c.to}`).join(', ');
    await expect(page.getByTestId('train-changes').textContent()).resolves.toContain(`${run!.previousRunId === null ? 'Settings: defaults' : `Settings from run #${run!.previousRunId}`}; changed: ${changed}`);
  });

  it('shows the cross-validated accuracy with its n and 95% interval, and the precision and recall of each class', async () => {
    const [summary] = await server.call('runs.list', {});
    const { metrics } = await server.call('runs.get', { id: summary!.id });
    const evaluation = metrics!.evaluation!;
    expect(evaluation.on).toBe('out-of-fold');
    // every labeled photo is counted out-of-fold
    expect(evaluation.n).toBe(summary!.photos);
    const headline = `cross-validated accuracy ${metrics!.accuracy.toFixed(3)} (n = ${evaluation.n}, 95% CI ${evaluation.low.toFixed(3)}–${evaluation.high.toFixed(3)})`;
    await expect(page.getByTestId('train-metric').textContent()).resolves.toBe(headline);
    const perClass = page.getByTestId('train-view').locator('table.metrics tbody tr');
    await expect(perClass.count()).resolves.toBe(metrics!.perClass.length);
    const alpaca = metrics!.perClass.find((c) => c.name === 'alpaca')!;
    await expect(perClass.filter({ hasText: /^alpaca/ }).textContent()).resolves.toContain(`${(alpaca.recall * 100).toFixed(1)}%`);
    await shoot('11b-train-metric');
  });

  it('lists the run with its accuracy, curves and confusion matrix', async () => {
    await page.locator('[data-view="runs"]').click();
    const runs = await server.call('runs.list', {});
    expect(runs.map((run) => run.status).sort()).toEqual(['cancelled', 'done']);
    const rows = page.getByTestId('runs-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    // the newest run (the finished one) is selected without a click, with its key settings and metric kind
    const done = rows.filter({ hasText: 'done' });
    await expect.poll(() => done.getAttribute('class')).toContain('selected');
    await expect.poll(() => done.getByTestId('run-key-settings').textContent()).toBe(`${FAST_TRAINING.epochs} epochs · 5-fold · ${FAST_TRAINING.inputSize} px · α 0.35 · no fine-tune`);
    await expect(done.getByTestId('run-metric-kind').textContent()).resolves.toBe('cross-validated');
    await expect(rows.filter({ hasText: 'cancelled' }).getByTestId('run-key-settings').textContent()).resolves.toContain('single split');
    await expect(page.getByTestId('run-headline').textContent()).resolves.toMatch(/^cross-validated accuracy \d\.\d{3} \(n = \d+, 95% CI /);
    await page.getByTestId('confusion-matrix').waitFor();
    await shoot('12-runs');
  });

  it('moves to the run just trained, and says when Compare sets a single split against cross-validation', async () => {
    // look at an older run first: a retrain must still bring the view to the new one
    const rows = page.getByTestId('runs-table').locator('tbody tr');
    await rows.filter({ hasText: 'cancelled' }).click();
    await expect.poll(() => rows.filter({ hasText: 'cancelled' }).getAttribute('class')).toContain('selected');
    const crossValidatedId = (await server.call('runs.list', {})).find((r) => r.status === 'done')!.id;
    await page.locator('[data-view="train"]').click();
    await setTrainingFields(SINGLE_SPLIT_TRAINING);
    await retrainToTheEnd();
    const newest = (await server.call('runs.list', {})).sort((a, b) => b.id - a.id)[0]!;
    expect(newest.status).toBe('done');
    await expect(page.getByTestId('train-metric').textContent()).resolves.toMatch(/^validation-split accuracy \d\.\d{3} \(n = \d+, 95% CI /);
    await page.locator('[data-view="runs"]').click();
    const newestRow = rows.filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${newest.id}$`) }) });
    await expect.poll(() => newestRow.getAttribute('class')).toContain('selected');
    await expect(newestRow.getByTestId('run-metric-kind').textContent()).resolves.toBe('single split');
    await expect(page.getByTestId('compare-unlike').count()).resolves.toBe(0);
    await page.getByLabel(`Compare with run ${crossValidatedId}`).check();
    await expect.poll(() => page.getByTestId('compare-unlike').textContent({ timeout: 1_000 }).catch(() => '')).toContain(`#${newest.id} is single split`);
    await expect(page.getByTestId('compare-unlike').textContent()).resolves.toContain(`#${crossValidatedId} is cross-validated`);
    await shoot('12b-runs-compare-unlike');
    await page.getByLabel(`Compare with run ${crossValidatedId}`).uncheck();
  });

  it('shows the photos that look unlike any class in their own review queue', async () => {
    const outliers = await server.call('review.queue', { queue: 'outliers', limit: 1 });
    await page.locator('[data-view="review"]').click();
    await page.locator('[data-queue="outliers"]').click();
    // the bad inputs and unlabeled hike photos include frames unlike either class
    expect(outliers.items[0], 'an outlier after training').toBeDefined();
    await expect.poll(() => page.getByTestId('review-item').getAttribute('data-photo-id')).toBe(String(outliers.items[0]!.photo.id));
    await shoot('13-review-outliers');
  });

  it('sorts the grid by "Unlike any class", the photo least like any class first', async () => {
    const [top] = (await server.call('photos.list', { sort: 'outlierScore', limit: 1 })).items;
    await page.locator('[data-view="library"]').click();
    await page.getByTestId('class-bar').getByRole('button', { name: /All photos/ }).click();
    await page.getByTestId('sort').selectOption({ label: 'Unlike any class' });
    await expect.poll(() => page.locator('[data-index="0"]').getAttribute('data-photo-id')).toBe(String(top!.id));
    await shoot('13b-library-unlike-any-class');
    await page.getByTestId('sort').selectOption('name');
  });

  let fixedId = 0;
  let fixedClassId: number | null = null;

  it('fixes a photo from the review queue with one key', async () => {
    const queues = ['misclassified', 'label-errors', 'uncertain'] as const;
    let queue: (typeof queues)[number] | undefined;
    for (const name of queues) {
      const first = await server.call('review.queue', { queue: name, limit: 1 });
      if (first.items[0]) {
        queue = name;
        fixedId = first.items[0].photo.id;
        fixedClassId = first.items[0].predictedClassId;
        break;
      }
    }
    expect(queue, 'some review queue has an item after training').toBeDefined();
    await page.locator('[data-view="review"]').click();
    await page.locator(`[data-queue="${queue}"]`).click();
    await expect.poll(() => page.getByTestId('review-item').getAttribute('data-photo-id')).toBe(String(fixedId));
    await shoot('13-review');
    // no one-key accept: the model's class is chosen with its number key
    const classOrder = [...(await server.call('classes.list', {}))].sort((a, b) => a.order - b.order);
    await page.keyboard.press(String(classOrder.findIndex((c) => c.id === fixedClassId) + 1));
    await expect.poll(() => labelOf(fixedId)).toBe(fixedClassId);
    await expect.poll(() => page.locator(`[data-testid="review-item"][data-photo-id="${fixedId}"]`).count()).toBe(0);
    await shoot('14-review-next');
  });

  it('keeps the fix after a reload: the grid shows the photo under its new class with that label', async () => {
    await page.reload();
    await page.locator('[data-view="library"]').click();
    const cls = (await server.call('classes.list', {})).find((c) => c.id === fixedClassId)!;
    await page.getByTestId('class-bar').locator(`[data-class-id="${cls.id}"] button.row`).click();
    await expect.poll(() => page.getByTestId('filter-total').textContent()).toBe(`${cls.photoCount.toLocaleString('en-US')} photos`);
    await scrollGridTo(fixedId, { classId: cls.id });
    const cell = page.locator(`[data-photo-id="${fixedId}"]`);
    await expect(cell.locator('.chip').textContent()).resolves.toBe(cls.name);
    await cell.dblclick();
    await expect(page.getByTestId('photo-viewer').getByTestId('photo-label').textContent()).resolves.toContain(cls.name);
    await shoot('15-library-after-reload');
    await page.keyboard.press('Escape');
  });
});
