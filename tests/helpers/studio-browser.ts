// Browser-mode harness for the e2e test and the grid bench: build the renderer, run `studio serve` as a child,
// call the API over HTTP, and launch the system Chromium with playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import type { MethodName, MethodRequest, MethodResponse } from '../../src-main/api/contract.js';
import type { Envelope } from '../../src-main/api/envelope.js';

export const REPO_DIR = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SERVE_START_TIMEOUT_MS = 60_000;

/** vite build of src-renderer into outDir (a temp folder, so parallel runs don't share dist/). */
export async function buildRenderer(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(REPO_DIR, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
}

export interface ServedStudio {
  /** the URL `studio serve` printed, token included */
  url: string;
  origin: string;
  token: string;
  /** everything the child wrote to stderr (for failure messages) */
  log(): string;
  call<M extends MethodName>(method: M, request: MethodRequest<M>): Promise<MethodResponse<M>>;
  stop(): Promise<void>;
}

/**
 * Starts `node bin/studio.js serve --library DIR --port 0` and resolves with the URL it prints. `port` and `token`
 * (through STUDIO_TOKEN) restart a server where an open page expects it; `env` adds variables (e.g. HOME).
 */
export async function startServe(
  libraryDir: string,
  rendererDir: string,
  options: { port?: number; token?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ServedStudio> {
  const child = spawn(process.execPath, [path.join(REPO_DIR, 'bin/studio.js'), 'serve', '--library', libraryDir, '--port', String(options.port ?? 0), '--renderer-dir', rendererDir], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env, ...(options.token ? { STUDIO_TOKEN: options.token } : {}) },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`studio serve printed no URL within ${SERVE_START_TIMEOUT_MS} ms:\n${stderr}`)), SERVE_START_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /https?:\/\/\S+/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`studio serve exited with ${code}:\n${stderr}`));
    });
  });
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token') ?? '';
  return {
    url,
    origin: parsed.origin,
    token,
    log: () => stderr,
    async call(method, request) {
      const response = await fetch(`${parsed.origin}/api/call/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Studio-Token': token },
        body: JSON.stringify(request),
      });
      const envelope = (await response.json()) as Envelope<MethodResponse<typeof method>>;
      if (!envelope.ok) throw new Error(`${method}: ${envelope.error.code} ${envelope.error.message}`);
      return envelope.value;
    },
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
