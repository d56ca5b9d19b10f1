// `npm run bench`: runs every benchmark in turn (one at a time, so they do not compete for the 2 cores) and prints them.
// Pass names to run a subset: `npm run bench -- import embedding`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeMachine, formatBenchResult, type BenchResult } from './bench-result.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);

const files = fs
  .readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith('.ts') && !['run-all.ts', 'bench-result.ts'].includes(f))
  .filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
  .sort();

console.log(`Machine: ${describeMachine()}\n`);
let failed = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(BENCH_DIR, file)).href)) as { run?: () => Promise<BenchResult> };
  if (typeof mod.run !== 'function') continue;
  try {
    console.log(formatBenchResult(await mod.run()), '\n');
  } catch (error) {
    failed++;
    console.error(`bench ${file} failed:`, error);
  }
}
process.exitCode = failed ? 1 : 0;
