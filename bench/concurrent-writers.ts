// Four writers on one library at once for a fixed time: `studio serve` answering labels.set over HTTP, the `studio
// label` CLI run again and again beside it, and two processes writing through the core. Every write must commit
// (failed writes: 0) and the journal must hold one event per committed write; reports label throughput.
// BENCH_WRITERS_SECONDS shortens the run (default 60 s).
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClass } from '../src-main/core/library/classes.js';
import { openLibrary } from '../src-main/core/library/library.js';
import { describeMachine, type BenchResult } from './bench-result.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const STUDIO_BIN = path.join(REPO, 'bin/studio.js');
const CORE_WRITER = path.join(REPO, 'bench/workers/core-label-writer.ts');
const SECONDS = Number(process.env.BENCH_WRITERS_SECONDS ?? 60);
const PHOTOS_PER_WRITER = 25;

interface Tally {
  committed: number;
  failed: number;
  firstError: string | null;
}

function insertPhotos(db: ReturnType<typeof openLibrary>['db'], count: number): number[] {
  const insert = db.prepare(
    `INSERT INTO photos (path, folder, file_name, content_hash, size_bytes, mtime_ms, status, imported_at, updated_at)
     VALUES (?, '/bench', ?, ?, 1, 0, 'ok', 't', 't')`,
  );
  return db.transaction(() => Array.from({ length: count }, (_, i) => Number(insert.run(`/bench/p${i}.jpg`, `p${i}.jpg`, `h${i}`).lastInsertRowid)))();
}

function alternatingClass(i: number, ids: readonly number[], a: number, b: number): number {
  return Math.floor(i / ids.length) % 2 === 0 ? a : b;
}

async function startServe(libraryDir: string, rendererDir: string): Promise<{ url: URL; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [STUDIO_BIN, 'serve', '--library', libraryDir, '--port', '0', '--renderer-dir', rendererDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`studio serve exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: new URL(line),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      if (/\bat \S+:\d+:\d+/.test(stderr)) throw new Error(`studio serve logged a stack trace:\n${stderr}`);
    },
  };
}

async function httpWriter(url: URL, ids: number[], a: number, b: number, deadline: number): Promise<Tally> {
  const token = url.searchParams.get('token') ?? '';
  const tally: Tally = { committed: 0, failed: 0, firstError: null };
  for (let i = 0; performance.now() < deadline; i++) {
    const response = await fetch(new URL('/api/call/labels.set', url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Studio-Token': token },
      body: JSON.stringify({ photoIds: [ids[i % ids.length]], classId: alternatingClass(i, ids, a, b) }),
    });
    const envelope = (await response.json()) as { ok: boolean; error?: { message: string } };
    if (envelope.ok) tally.committed++;
    else {
      tally.failed++;
      tally.firstError ??= `${response.status} ${envelope.error?.message}`;
    }
  }
  return tally;
}

async function cliWriter(libraryDir: string, ids: number[], deadline: number): Promise<Tally> {
  const tally: Tally = { committed: 0, failed: 0, firstError: null };
  for (let i = 0; performance.now() < deadline; i++) {
    const className = Math.floor(i / ids.length) % 2 === 0 ? 'a' : 'b';
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [STUDIO_BIN, 'label', String(ids[i % ids.length]), '--class', className, '--library', libraryDir], (error, _out, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    if (result.code === 0) tally.committed++;
    else {
      tally.failed++;
      tally.firstError ??= `exit ${result.code}: ${result.stderr.trim()}`;
    }
  }
  return tally;
}

/** Starts a core writer process; resolves once its library is open, with a function that releases it. */
async function startCoreWriter(libraryDir: string, ids: number[], a: number, b: number): Promise<() => Promise<Tally>> {
  const child = spawn(process.execPath, ['--import', 'tsx', CORE_WRITER, libraryDir, ids.join(','), String(a), String(b), String(SECONDS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ready = await lines.next();
  if (ready.value !== 'ready') throw new Error(`core writer did not start: ${String(ready.value)}`);
  return async () => {
    child.stdin.end('go\n');
    const tally = await lines.next();
    return JSON.parse(String(tally.value)) as Tally;
  };
}

export async function run(): Promise<BenchResult> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-writers-'));
  const libraryDir = path.join(temp, 'library');
  const rendererDir = path.join(temp, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>bench</title>');
  const setup = openLibrary(libraryDir);
  const a = createClass(setup.db, 'a').id;
  const b = createClass(setup.db, 'b').id;
  const ids = insertPhotos(setup.db, 5 * PHOTOS_PER_WRITER); // one share per writer, one for the baseline
  setup.close();
  const share = (w: number) => ids.slice(w * PHOTOS_PER_WRITER, (w + 1) * PHOTOS_PER_WRITER);

  const server = await startServe(libraryDir, rendererDir);
  try {
    // baseline in the same run: the server alone, before anyone else writes
    const soloSeconds = Math.min(5, SECONDS / 4);
    const soloStarted = performance.now();
    const solo = await httpWriter(server.url, share(4), a, b, soloStarted + soloSeconds * 1000);
    const soloRate = solo.committed / ((performance.now() - soloStarted) / 1000);

    const release = await Promise.all([startCoreWriter(libraryDir, share(2), a, b), startCoreWriter(libraryDir, share(3), a, b)]);
    // every writer starts now: the two core processes are open and waiting for "go"
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    const [http, cli, core1, core2] = await Promise.all([
      httpWriter(server.url, share(0), a, b, deadline),
      cliWriter(libraryDir, share(1), deadline),
      release[0]!(),
      release[1]!(),
    ]);
    const elapsed = (performance.now() - started) / 1000;
    await server.stop();

    const check = openLibrary(libraryDir);
    const events = check.db.prepare('SELECT COUNT(*) FROM label_events').pluck().get() as number;
    const integrity = check.db.pragma('integrity_check', { simple: true });
    check.close();
    fs.rmSync(temp, { recursive: true, force: true });

    const all = [solo, http, cli, core1, core2];
    const committed = all.slice(1).reduce((n, t) => n + t.committed, 0);
    const failed = all.reduce((n, t) => n + t.failed, 0);
    const firstError = all.find((t) => t.firstError)?.firstError;
    return {
      name: `Concurrent writers (4 writers on one library, ${SECONDS} s)`,
      rows: [
        { label: 'failed writes (must be 0)', value: failed, unit: 'writes' },
        { label: 'committed writes, all writers', value: committed, unit: 'writes' },
        { label: 'journal events − committed writes (must be 0)', value: events - committed - solo.committed, unit: 'events' },
        { label: 'label throughput, all writers', value: committed / elapsed, unit: 'writes/s' },
        { label: 'studio serve, labels.set over HTTP', value: http.committed / elapsed, unit: 'writes/s' },
        { label: 'baseline: studio serve alone, same requests', value: soloRate, unit: 'writes/s' },
        { label: 'core writer process 1', value: core1.committed / elapsed, unit: 'writes/s' },
        { label: 'core writer process 2', value: core2.committed / elapsed, unit: 'writes/s' },
        { label: '`studio label` CLI, one process per write', value: cli.committed / elapsed, unit: 'writes/s' },
      ],
      notes: `integrity_check ${integrity}${firstError ? `; first failure: ${firstError}` : ''}. ${describeMachine()}, load average ${os.loadavg()[0]!.toFixed(1)} at the end.`,
    };
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { formatBenchResult } = await import('./bench-result.js');
  console.log(formatBenchResult(await run()));
}
