// Starts a worker thread running a sibling module, from source (.ts under tsx/vitest) or from the build (.js).
import { Worker } from 'node:worker_threads';

/**
 * `relativeName` without extension, resolved against `callerUrl` (the caller's import.meta.url). Under tsx the
 * caller is a .ts file and so is its worker; `execArgv: ['--import', 'tsx']` does not apply tsx's hooks inside a
 * worker on Node 20, so a tiny bootstrap registers tsx and then imports the worker module.
 */
export function spawnModuleWorker(callerUrl: string, relativeName: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`${relativeName}.js`, callerUrl), { workerData });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const workerModule = new URL(`${relativeName}.ts`, callerUrl).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerModule)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
