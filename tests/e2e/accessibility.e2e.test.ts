// Accessibility in Chromium against browser mode: axe-core on every view in the light and the dark theme (0 serious
// or critical violations), the theme toggle, reduced motion. Screenshots go to test-results/screenshots/a11y-*.
import fs from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { openSse } from '../helpers/sse-reader.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { buildRenderer, launchChromium, startServe, type ServedStudio } from '../helpers/studio-browser.js';
import { SCREENSHOT_DIR, quickTrainingSettings } from '../helpers/studio-page.js';

const ALPACA_DIR = path.join(SHARED_DIR, 'datasets', 'alpaca');
const HIKE_DIR = path.join(SHARED_DIR, 'photos', 'hike-unlabeled');
const FAST_TRAINING = quickTrainingSettings(5);
const JOB_TIMEOUT_MS = 240_000;
const THEMES = ['light', 'dark'] as const;
type Theme = (typeof THEMES)[number];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

let server: ServedStudio;
let browser: Browser;
let rendererDir = '';

/** Starts a job through the API and resolves when its job.finished event arrives; it must have succeeded. */
async function runJob(start: () => Promise<{ jobId: string }>): Promise<void> {
  const events = await openSse(`${server.origin}/api/events`, { 'X-Studio-Token': server.token });
  try {
    const { jobId } = await start();
    await events.waitFor((e) => e.event === 'job.finished' && (JSON.parse(e.data) as { jobId: string }).jobId === jobId, JOB_TIMEOUT_MS);
    const job = await server.call('jobs.get', { jobId });
    expect(job.status, `job ${JSON.stringify(job).slice(0, 1000)}`).toBe('done');
  } finally {
    events.close();
  }
}

async function firstQueueWithItems(): Promise<string> {
  for (const queue of ['uncertain', 'misclassified', 'label-errors', 'outliers'] as const) {
    if ((await server.call('review.queue', { queue, limit: 1 })).items.length > 0) return queue;
  }
  throw new Error('no review queue has an item after training');
}

/** The serious and critical violations axe-core finds on the page as it is now. */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: axe.source });
  const { violations, contrastUnsure } = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => ({
    violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })),
    contrastUnsure: r.incomplete.filter((v) => v.id === 'color-contrast').reduce((n, v) => n + v.nodes.length, 0),
  }))`)) as { violations: AxeViolation[]; contrastUnsure: number };
  if (contrastUnsure > 0) console.info(`[axe] ${contrastUnsure} text node(s) whose contrast axe could not decide (checked by the contrast test below)`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * The lowest WCAG contrast among the elements matching `selector`, from their computed colours: the background is
 * each ancestor's background blended until an opaque one (what axe leaves "to review" for color-mix() and chips).
 */
async function lowestContrast(page: Page, selector: string): Promise<{ ratio: number; text: string; count: number }> {
  return (await page.evaluate(`(() => {
    const parse = (css) => {
      const srgb = /color\\(srgb ([\\d.e-]+) ([\\d.e-]+) ([\\d.e-]+)(?: \\/ ([\\d.e-]+))?\\)/.exec(css);
      if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
      const rgb = /rgba?\\(([\\d.]+),? ([\\d.]+),? ([\\d.]+)(?:,? \\/? ?([\\d.]+))?\\)/.exec(css);
      if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), rgb[4] === undefined ? 1 : Number(rgb[4])];
      throw new Error('unreadable colour ' + css);
    };
    const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
    const background = (el) => {
      const layers = [];
      for (let node = el; node; node = node.parentElement) {
        const c = parse(getComputedStyle(node).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
    };
    const lum = (c) => { const ch = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]); };
    const ratio = (a, b) => { const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x); return (hi + 0.05) / (lo + 0.05); };
    let worst = { ratio: 99, text: '', count: 0 };
    for (const el of document.querySelectorAll(${JSON.stringify(selector)})) {
      if (!el.textContent.trim()) continue;
      const bg = background(el);
      const r = ratio(over(parse(getComputedStyle(el).color), bg), bg);
      worst.count++;
      if (r < worst.ratio) worst = { ratio: r, text: el.textContent.trim(), count: worst.count };
    }
    return worst;
  })()`)) as { ratio: number; text: string; count: number };
}

function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.impact} ${v.id} (${v.help}) on ${v.nodes.length} node(s):\n` + v.nodes.slice(0, 5).map((n) => `  ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300)}`).join('\n'))
    .join('\n');
}

/** Screenshots the view and runs axe-core on it: its serious and critical violations (checked after closing it). */
async function auditView(page: Page, theme: Theme, view: string): Promise<AxeViolation[]> {
  // let chart drawing settle on what the person would see
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `a11y-${theme}-${view}.png`) });
  const violations = await seriousViolations(page);
  console.info(`[axe] ${theme} ${view}: ${violations.length} serious/critical rule(s), ${violations.reduce((n, v) => n + v.nodes.length, 0)} node(s)${violations.length ? `\n${describeViolations(violations)}` : ''}`);
  return violations;
}

function expectNone(violations: AxeViolation[], theme: Theme, view: string): void {
  expect(violations, `${view} in the ${theme} theme:\n${describeViolations(violations)}`).toEqual([]);
}

async function checkView(page: Page, theme: Theme, view: string): Promise<void> {
  expectNone(await auditView(page, theme, view), theme, view);
}

async function openThemedPage(theme: Theme): Promise<Page> {
  // bypassCSP: the app's policy (script-src 'self') would refuse the axe-core script the test injects
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.emulateMedia({ colorScheme: theme });
  await page.goto(server.url);
  await page.locator('[data-index="0"] img').waitFor();
  return page;
}

describe('accessibility of the studio in a browser', () => {
  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    rendererDir = makeTempDir('studio-a11y-renderer-');
    await buildRenderer(rendererDir);
    server = await startServe(makeTempDir('studio-a11y-library-'), rendererDir);
    await runJob(() => server.call('photos.import', { root: ALPACA_DIR, labelsFromFolders: true }));
    await runJob(() => server.call('photos.import', { root: HIKE_DIR, labelsFromFolders: false }));
    await runJob(() => server.call('training.start', FAST_TRAINING));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const theme of THEMES) {
    describe(`in the ${theme} theme`, () => {
      let page: Page;
      beforeAll(async () => {
        page = await openThemedPage(theme);
      });
      afterAll(async () => {
        await page?.context().close();
      });

      it('follows prefers-color-scheme when no theme was chosen', async () => {
        await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe(theme);
      });

      it('has no serious or critical violation in the Library view', async () => {
        await checkView(page, theme, 'library');
      });

      it('shows the class chips on the grid in Okabe–Ito colours with text at 4.5:1 or more', async () => {
        const colors = (await server.call('classes.list', {})).map((c) => c.color);
        expect(colors).toEqual(['#e69f00', '#56b4e9']);
        const worst = await lowestContrast(page, '[data-testid="photo-grid"] .chip');
        expect(worst.count).toBeGreaterThan(0);
        expect(worst.ratio, `"${worst.text}"`).toBeGreaterThanOrEqual(4.5);
      });

      it('has no serious or critical violation in the photo viewer', async () => {
        await page.locator('[data-index="0"]').dblclick();
        await page.getByTestId('photo-viewer').locator('img').waitFor();
        const violations = await auditView(page, theme, 'viewer');
        await page.keyboard.press('Escape');
        await expect.poll(() => page.getByTestId('photo-viewer').count()).toBe(0);
        expectNone(violations, theme, 'viewer');
      });

      it('has no serious or critical violation in the help overlay', async () => {
        await page.getByTitle('Keyboard shortcuts (?)').click();
        await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
        const violations = await auditView(page, theme, 'help');
        await page.keyboard.press('Escape');
        await expect.poll(() => page.getByRole('dialog', { name: 'Keyboard shortcuts' }).count()).toBe(0);
        expectNone(violations, theme, 'help');
      });

      it('has no serious or critical violation in the import panel', async () => {
        await page.getByRole('button', { name: 'Import folder…' }).first().click();
        await page.getByTestId('import-panel').waitFor();
        const violations = await auditView(page, theme, 'import');
        await page.keyboard.press('Escape');
        await expect.poll(() => page.getByTestId('import-panel').count()).toBe(0);
        expectNone(violations, theme, 'import');
      });

      it('has no serious or critical violation in the Train view with a finished run', async () => {
        await page.locator('[data-view="train"]').click();
        await page.getByTestId('learning-curves').waitFor();
        await checkView(page, theme, 'train');
      });

      it('has no serious or critical violation in the Train view with its settings open', async () => {
        await page.getByRole('button', { name: 'Settings…' }).click();
        await page.locator('[data-field="epochs"]').waitFor();
        const violations = await auditView(page, theme, 'train-settings');
        await page.getByRole('button', { name: 'Hide settings' }).click();
        expectNone(violations, theme, 'train-settings');
      });

      it('has no serious or critical violation in the Runs view with the confusion matrix', async () => {
        await page.locator('[data-view="runs"]').click();
        await page.getByTestId('runs-table').locator('tbody tr').filter({ hasText: 'done' }).first().click();
        await page.getByTestId('confusion-matrix').scrollIntoViewIfNeeded();
        await checkView(page, theme, 'runs');
      });

      it('shows every confusion-matrix number and total at 4.5:1 or more, with axis titles and totals', async () => {
        const matrix = page.getByTestId('confusion-matrix');
        const text = (await matrix.textContent()) ?? '';
        expect(text).toContain('true class');
        expect(text).toContain('predicted class');
        const [run] = await server.call('runs.list', {});
        const { metrics } = await server.call('runs.get', { id: run!.id });
        const total = metrics!.confusion.flat().reduce((a, b) => a + b, 0);
        await expect(matrix.locator('[data-total]').textContent()).resolves.toBe(String(total));
        const firstRow = metrics!.confusion[0]!;
        const rowTotal = firstRow.reduce((a, b) => a + b, 0);
        await expect(matrix.locator('[data-cell="0,0"]').textContent()).resolves.toBe(`${firstRow[0]}${Math.round((firstRow[0]! / rowTotal) * 100)}%`);
        const worst = await lowestContrast(page, '[data-testid="confusion-matrix"] :is(.count, .share, .zero, .total, th)');
        expect(worst.count).toBeGreaterThan(metrics!.classIds.length ** 2);
        expect(worst.ratio, `"${worst.text}"`).toBeGreaterThanOrEqual(4.5);
      });

      it('has no serious or critical violation in the Review view with an item', async () => {
        const queue = await firstQueueWithItems();
        await page.locator('[data-view="review"]').click();
        await page.locator(`[data-queue="${queue}"]`).click();
        await page.getByTestId('review-item').waitFor();
        await expect.poll(() => page.evaluate(`[...document.querySelectorAll('[data-testid="review-item"] .stage img:not(.preload)')].some((img) => img.complete && img.naturalWidth > 0)`)).toBe(true);
        await checkView(page, theme, 'review');
      });
    });
  }

  it('has no serious or critical violation in an empty library (three steps, no run), nor with the connection banner, in either theme', async () => {
    const empty = await startServe(makeTempDir('studio-a11y-empty-'), rendererDir);
    const pages: Array<{ theme: Theme; page: Page }> = [];
    try {
      for (const theme of THEMES) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
        const page = await context.newPage();
        pages.push({ theme, page });
        await page.emulateMedia({ colorScheme: theme });
        await page.goto(empty.url);
        await page.getByTestId('start-steps').waitFor();
        await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe(theme);
        expectNone(await auditView(page, theme, 'library-empty'), theme, 'library-empty');
      }
      // the server stops: every open page shows the banner
      await empty.stop();
      for (const { theme, page } of pages) {
        await page.getByTestId('connection-banner').waitFor({ timeout: 30_000 });
        expectNone(await auditView(page, theme, 'connection-banner'), theme, 'connection-banner');
      }
    } finally {
      for (const { page } of pages) await page.context().close();
      await empty.stop();
    }
  });

  it('switches the theme with the toggle and remembers the choice after a reload', async () => {
    const page = await openThemedPage('dark');
    const toggle = page.getByTestId('theme-toggle');
    await toggle.click();
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('light');
    const lightBackground = await page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
    await page.reload();
    await page.locator('[data-index="0"] img').waitFor();
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('light');
    expect(await page.evaluate('getComputedStyle(document.documentElement).backgroundColor')).toBe(lightBackground);
    await toggle.click();
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    expect(await page.evaluate('getComputedStyle(document.documentElement).backgroundColor')).not.toBe(lightBackground);
    await page.context().close();
  });

  it('stops transitions and animations when the person prefers reduced motion', async () => {
    const page = await openThemedPage('dark');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const duration = await page.evaluate(`(() => { const el = document.createElement('div'); el.style.transition = 'opacity 2s'; el.style.animation = 'none 3s'; document.body.append(el); const s = getComputedStyle(el); const out = [s.transitionDuration, s.animationDuration]; el.remove(); return out; })()`);
    expect(duration).toEqual(['0s', '0s']);
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    const normal = await page.evaluate(`(() => { const el = document.createElement('div'); el.style.transition = 'opacity 2s'; document.body.append(el); const d = getComputedStyle(el).transitionDuration; el.remove(); return d; })()`);
    expect(normal).toBe('2s');
    await page.context().close();
  });
});
