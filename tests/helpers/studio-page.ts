// One e2e setup: a library served by `studio serve` with a fresh renderer build, open in Chromium; and waiting for a
// job through the API.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_DIR, buildRenderer, launchChromium, startServe, type ServedStudio } from './studio-browser.js';
import { SHARED_DIR } from './shared-dir.js';
import { makeTempDir } from './temp-dir.js';

export const SCREENSHOT_DIR = path.join(REPO_DIR, 'test-results', 'screenshots');

/**
 * training.start settings for a run that finishes quickly on 2 shared cores (alpha 0.35 at 96 px, single split, one
 * view): for tests that need a finished run to show, not its accuracy.
 */
export function quickTrainingSettings(epochs: number) {
  return {
    alpha: 0.35,
    epochs,
    inputSize: 96,
    kfold: 0,
    mirror: false,
    weightsDir: path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop'),
    augmentation: { views: 1 },
  };
}

export interface StudioPage {
  server: ServedStudio;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** Serves the library and opens it at 1400×900; page errors are logged to the test's stderr. */
export async function openStudioPage(libraryDir: string): Promise<StudioPage> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const rendererDir = makeTempDir('studio-e2e-renderer-');
  await buildRenderer(rendererDir);
  const server = await startServe(libraryDir, rendererDir);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.goto(server.url);
  return {
    server,
    browser,
    page,
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

/** Polls the job until it is no longer running (usable in hooks, where expect.poll is not); it must end done. */
export async function waitForJob(server: ServedStudio, jobId: string, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let job = await server.call('jobs.get', { jobId });
  while (job.status === 'running' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    job = await server.call('jobs.get', { jobId });
  }
  expect(job.error, `job ${job.kind}`).toBeNull();
  expect(job.status).toBe('done');
}
