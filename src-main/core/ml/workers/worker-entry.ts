// Entry file of every ML worker thread in the built app: loads the worker module named in its workerData. It imports
// nothing of the app, so a packaged app runs it from app.asar.unpacked (electron-builder.yml asarUnpack) while the
// module it loads, and everything that module imports, stay in the archive.
import { workerData } from 'node:worker_threads';

await import((workerData as { workerModule: string }).workerModule);
