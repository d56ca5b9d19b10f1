// `studio stats` wall time on a small library, median of interleaved runs, against `node -e ''` in the same run:
// the built CLI (dist/main, what bin/studio.js runs when the build is fresh), the TypeScript sources through tsx
// (STUDIO_FROM_SOURCE=1), and what loading the ML and image stack would add (no longer loaded by `stats`).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLibrary } from '../src-main/core/library/library.js';
import { insertSyntheticPhotos } from '../tests/helpers/insert-photos.js';
import { buildMain } from '../scripts/build-main.js';
import { describeMachine, formatBenchResult, type BenchResult } from './bench-result.js';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const BIN = path.join(ROOT, 'bin', 'studio.js');
const RUNS = Number(process.env.STUDIO_BENCH_RUNS ?? 9);
const ML_STACK = ['@tensorflow/tfjs', 'sharp', 'exiftool-vendored', 'onnxruntime-node', 'exifr'];

function wallMs(args: string[], env: NodeJS.ProcessEnv = {}): number {
  const start = performance.now();
  execFileSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
  try {
    const library = openLibrary(path.join(dir, 'library'));
    insertSyntheticPhotos(library.db, 2000);
    library.close();
    await buildMain();
    const stats = ['stats', '--library', path.join(dir, 'library')];
    const samples = { node: [] as number[], built: [] as number[], source: [] as number[], stack: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      samples.node.push(wallMs(['-e', '']));
      samples.built.push(wallMs([BIN, ...stats]));
      samples.source.push(wallMs([BIN, ...stats], { STUDIO_FROM_SOURCE: '1' }));
      samples.stack.push(wallMs(['--input-type=module', '-e', ML_STACK.map((p) => `await import('${p}');`).join('')]));
    }
    const node = median(samples.node);
    return {
      name: 'CLI start-up',
      rows: [
        { label: "node -e '' (baseline)", value: node, unit: 'ms' },
        { label: '`studio stats`, built CLI (dist/main, fresh)', value: median(samples.built), unit: 'ms' },
        { label: '`studio stats`, TypeScript sources through tsx', value: median(samples.source), unit: 'ms' },
        { label: 'importing tfjs, sharp, exiftool-vendored, onnxruntime-node, exifr (no longer loaded by stats)', value: median(samples.stack), unit: 'ms' },
        { label: 'built `studio stats` / node baseline', value: median(samples.built) / node, unit: '×' },
        { label: 'source `studio stats` / node baseline', value: median(samples.source) / node, unit: '×' },
      ],
      notes: `median of ${RUNS} interleaved runs, library of 2000 photo rows; load average ${os.loadavg()[0]!.toFixed(1)} at the end; ${describeMachine()}`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatBenchResult(await run()));
}
