// Chooses the TensorFlow.js backend (CUDA → TensorFlow CPU → wasm → cpu) and hands out the one `tf` every ML module uses.
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import { BackendName as BackendNameSchema } from '../../../api/training-schemas.js';
import { unpackedPath } from '../workers/asar-paths.js';

/** The tfjs namespace; @tensorflow/tfjs-node(-gpu) export their own instance with the same API. */
export type Tf = typeof tfjs;

/** Best first; the contract's schema holds the list. */
export const BACKEND_NAMES = BackendNameSchema.options;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendUnavailable {
  backend: BackendName;
  why: string;
}

export interface MlBackend {
  name: BackendName;
  tf: Tf;
  /** Why each faster backend tried before this one could not be used. */
  reasons: BackendUnavailable[];
}

const NODE_PACKAGES = {
  'tensorflow-gpu': { pkg: '@tensorflow/tfjs-node-gpu', needs: 'Linux + CUDA 11.x/cuDNN 8' },
  tensorflow: { pkg: '@tensorflow/tfjs-node', needs: 'a prebuilt libtensorflow for this OS/CPU' },
} as const;

let active: MlBackend | null = null;
/** Selections run one at a time: two callers initialising wasm at once make the second `setBackend` fail. */
let selecting: Promise<unknown> = Promise.resolve();

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
}

/** Folder holding tfjs-backend-wasm's .wasm binaries (unpacked in a packaged app); in Node they are read from disk. */
export function wasmBinariesDir(): string {
  const require = createRequire(import.meta.url);
  return unpackedPath(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
}

async function tryNodeBackend(name: 'tensorflow-gpu' | 'tensorflow'): Promise<Tf | string> {
  const { pkg, needs } = NODE_PACKAGES[name];
  let tf: Tf;
  try {
    // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
    const specifier: string = pkg;
    tf = (await import(specifier)) as Tf;
  } catch (error) {
    if (isModuleNotFound(error) && messageOf(error).includes(pkg)) {
      return `${pkg} is not installed (optional dependency; needs ${needs})`;
    }
    return `${pkg} is installed but failed to load: ${messageOf(error)}`;
  }
  if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but its 'tensorflow' backend did not initialise`;
  return tf;
}

async function tryWasm(): Promise<Tf | string> {
  try {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmBinariesDir() + path.sep);
    if (!(await tf.setBackend('wasm'))) return '@tensorflow/tfjs-backend-wasm did not initialise (see the warning above)';
    return tf;
  } catch (error) {
    return `@tensorflow/tfjs-backend-wasm failed to load: ${messageOf(error)}`;
  }
}

async function tryCpu(): Promise<Tf | string> {
  const tf = await import('@tensorflow/tfjs');
  if (!(await tf.setBackend('cpu'))) return 'the tfjs cpu backend did not initialise';
  return tf;
}

const PROCESS_HOOKS: ReadonlyArray<'uncaughtException' | 'unhandledRejection'> = ['uncaughtException', 'unhandledRejection'];

/**
 * Runs `start` and then removes the process-wide `uncaughtException`/`unhandledRejection` listeners it added: the
 * wasm backend's Emscripten glue installs handlers that rethrow, turning any stray rejection (even an expected
 * StudioError) into a crash that prints the minified module source. Node's own handling (and the shells') stays.
 */
export async function withoutAddedProcessHooks<T>(start: () => Promise<T>): Promise<T> {
  const listeners = (event: (typeof PROCESS_HOOKS)[number]): ((...args: unknown[]) => void)[] =>
    process.listeners(event as 'uncaughtException') as ((...args: unknown[]) => void)[];
  const before = PROCESS_HOOKS.map((event) => new Set(listeners(event)));
  try {
    return await start();
  } finally {
    PROCESS_HOOKS.forEach((event, i) => {
      for (const listener of listeners(event)) if (!before[i]!.has(listener)) process.removeListener(event, listener);
    });
  }
}

function tryBackend(name: BackendName): Promise<Tf | string> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return tryNodeBackend(name);
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return tryCpu();
  }
}

/**
 * Without `preferred`, takes the first backend that works in the order CUDA → TensorFlow CPU → wasm → cpu.
 * With `preferred`, uses exactly that one or throws UNAVAILABLE saying why: no silent fallback.
 * The choice is per process (per worker thread); calling again with the same wish returns the same backend.
 */
export function selectBackend(preferred?: BackendName): Promise<MlBackend> {
  const selection = selecting.then(() => selectBackendNow(preferred));
  selecting = selection.catch(() => undefined);
  return selection;
}

async function selectBackendNow(preferred?: BackendName): Promise<MlBackend> {
  if (preferred !== undefined && !BACKEND_NAMES.includes(preferred)) {
    throw new StudioError(
      'INVALID_INPUT',
      `Unknown backend: expected one of ${BACKEND_NAMES.join(', ')}, received ${JSON.stringify(preferred)}`,
    );
  }
  if (active && (preferred === undefined || active.name === preferred)) return active;

  const candidates: readonly BackendName[] = preferred ? [preferred] : BACKEND_NAMES;
  const reasons: BackendUnavailable[] = [];
  for (const name of candidates) {
    const result = await withoutAddedProcessHooks(async () => {
      const tf = await tryBackend(name);
      if (typeof tf !== 'string') await tf.ready();
      return tf;
    });
    if (typeof result === 'string') {
      reasons.push({ backend: name, why: result });
      continue;
    }
    active = { name, tf: result, reasons };
    return active;
  }
  const why = reasons.map((r) => `${r.backend}: ${r.why}`).join('; ');
  throw new StudioError(
    'UNAVAILABLE',
    preferred ? `Backend '${preferred}' is unavailable: ${why}` : `No TensorFlow.js backend is available: ${why}`,
    { reasons },
  );
}

/** The backend chosen earlier in this process; throws if selectBackend has not run. */
export function activeBackend(): MlBackend {
  if (!active) throw new StudioError('INTERNAL', 'No ML backend selected yet: call selectBackend() first');
  return active;
}
