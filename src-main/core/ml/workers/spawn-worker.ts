// Starts an ML worker thread (embedding pool, fine-tuning) the same way in every setting: under tsx (dev, tests, the
// CLI) a tiny bootstrap registers tsx and imports the .ts module; in the built app the import-free worker-entry.js,
// resolved to its unpacked copy when packaged, imports the .js module.
import { Worker } from 'node:worker_threads';
import { unpackedUrl } from './asar-paths.js';

/** Worker modules, as paths relative to src-main/core/ml without extension. */
export type WorkerModule = 'features/embedding-worker' | 'training/fine-tune-worker' | 'features/onnx/onnx-session-worker';

/**
 * `execArgv: ['--import', 'tsx']` does not apply tsx's hooks inside a worker on Node 20, hence the eval bootstrap.
 */
export function spawnWorker(module: WorkerModule, workerData: object): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    const workerModule = new URL(`../${module}.js`, import.meta.url).href;
    return new Worker(unpackedUrl(new URL('./worker-entry.js', import.meta.url)), { workerData: { ...workerData, workerModule } });
  }
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const workerModule = new URL(`../${module}.ts`, import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerModule)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
