// A server killed mid-burst loses nothing it acknowledged and leaves a sound database; a stopped one closes cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openLibrary } from '../../src-main/core/library/library.js';
import { openStudio } from '../../src-main/core/studio.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { insertSyntheticPhotos } from '../helpers/insert-photos.js';
import { openSse } from '../helpers/sse-reader.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PHOTOS = 600;
const CLASSES = 3;
const IN_FLIGHT = 8;
/** acknowledged changes before the kill: enough that the kill lands while requests are in flight */
const KILL_AFTER_ACKS = 150;

function prepareLibrary(): { libraryDir: string; photoIds: number[] } {
  const libraryDir = path.join(makeTempDir('studio-safety-'), 'library');
  const library = openLibrary(libraryDir);
  const photoIds = insertSyntheticPhotos(library.db, PHOTOS);
  const insert = library.db.prepare("INSERT INTO classes (name, color, sort_order, created_at) VALUES (?, '#000000', ?, '2024-01-01T00:00:00Z')");
  for (let i = 0; i < CLASSES; i++) insert.run(`class ${i}`, i);
  library.close();
  return { libraryDir, photoIds };
}

/** Starts `studio serve` in a child and resolves with the URL it prints on stdout. */
function startServeChild(libraryDir: string): Promise<{ child: ChildProcess; url: URL; stderr: () => string }> {
  const child = spawn(process.execPath, ['bin/studio.js', 'serve', '--library', libraryDir, '--port', '0'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('http://'));
      if (line) resolve({ child, url: new URL(line.trim()), stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`studio serve exited (${code}) before printing its URL: ${stderr}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

describe('studio serve', () => {
  it('keeps every acknowledged label change when killed (SIGKILL) in the middle of a burst', async () => {
    const { libraryDir, photoIds } = prepareLibrary();
    const { child, url } = await startServeChild(libraryDir);
    const token = url.searchParams.get('token') ?? '';
    const acknowledged = new Map<number, number>();
    const attempted = new Map<number, number>();
    let next = 0;
    let killed = false;

    async function worker(): Promise<void> {
      while (next < photoIds.length) {
        const photoId = photoIds[next]!;
        const classId = (next % CLASSES) + 1;
        next++;
        attempted.set(photoId, classId);
        try {
          const response = await fetch(new URL(`/api/call/labels.set`, url), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-Studio-Token': token },
            body: JSON.stringify({ photoIds: [photoId], classId }),
          });
          const envelope = (await response.json()) as { ok: boolean };
          if (response.status === 200 && envelope.ok) acknowledged.set(photoId, classId);
        } catch {
          if (!killed) throw new Error('request failed before the kill');
          return;
        }
        if (!killed && acknowledged.size >= KILL_AFTER_ACKS) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(await exited(child)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(acknowledged.size).toBeLessThan(PHOTOS);

    const library = openLibrary(libraryDir);
    try {
      expect(library.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(library.db.pragma('foreign_key_check')).toEqual([]);
      const labelOf = library.db.prepare('SELECT class_id FROM labels WHERE photo_id = ?').pluck();
      const eventsOf = library.db.prepare('SELECT COUNT(*) FROM label_events WHERE photo_id = ?').pluck();
      const lost = [...acknowledged].filter(([photoId, classId]) => labelOf.get(photoId) !== classId || eventsOf.get(photoId) !== 1);
      expect(lost).toEqual([]);
      // A change that was sent but not acknowledged may or may not have committed, but never half or wrongly.
      const rows = library.db.prepare('SELECT photo_id AS photoId, class_id AS classId FROM labels').all() as Array<{ photoId: number; classId: number }>;
      for (const row of rows) expect(attempted.get(row.photoId)).toBe(row.classId);
      const labeled = rows.length;
      expect(library.db.prepare('SELECT COUNT(*) FROM label_events').pluck().get()).toBe(labeled);
    } finally {
      library.close();
    }
  });

  it('stops on SIGTERM: exit code 0, the server gone, every committed change in the main database file', async () => {
    const { libraryDir, photoIds } = prepareLibrary();
    const { child, url, stderr } = await startServeChild(libraryDir);
    const token = url.searchParams.get('token') ?? '';
    const labeled = photoIds.slice(0, 40);
    const response = await fetch(new URL('/api/call/labels.set', url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ photoIds: labeled, classId: 2 }),
    });
    expect(response.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited(child)).toEqual({ code: 0, signal: null });
    expect(stderr()).toContain('SIGTERM: stopping the server');
    await expect(fetch(new URL('/', url))).rejects.toThrow();
    // Closed cleanly = checkpointed: the main file alone, copied without any -wal/-shm, holds every committed row.
    const copy = path.join(makeTempDir('studio-closed-'), 'library.db');
    fs.copyFileSync(path.join(libraryDir, 'library.db'), copy);
    const db = new Database(copy, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT photo_id FROM labels WHERE class_id = 2 ORDER BY photo_id').pluck().all()).toEqual(labeled);
      expect(db.prepare('SELECT COUNT(*) FROM photos').pluck().get()).toBe(PHOTOS);
    } finally {
      db.close();
    }
  });

  it('marks a run interrupted when the server is killed (SIGKILL) in the middle of training', async () => {
    const root = makeTempDir('studio-train-crash-');
    const photos = path.join(root, 'photos');
    // 24 photos per class: enough for training to be under way when the kill lands
    for (const cls of ['alpaca', 'not_alpaca']) {
      fs.mkdirSync(path.join(photos, cls), { recursive: true });
      const source = path.join(SHARED_DIR, 'datasets', 'alpaca', cls);
      for (const file of fs.readdirSync(source).sort().slice(0, 24)) fs.copyFileSync(path.join(source, file), path.join(photos, cls, file));
    }
    const libraryDir = path.join(root, 'library');
    const setup = openStudio(libraryDir);
    const { jobId } = await setup.api['photos.import']({ root: photos, labelsFromFolders: true });
    expect((await setup.jobs.wait(jobId))?.status).toBe('done');
    await setup.close();

    const { child, url } = await startServeChild(libraryDir);
    const token = url.searchParams.get('token') ?? '';
    const call = async (method: string, body: unknown) => {
      const response = await fetch(new URL(`/api/call/${method}`, url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Studio-Token': token },
        body: JSON.stringify(body),
      });
      return ((await response.json()) as { value: unknown }).value;
    };
    const events = await openSse(new URL('/api/events', url).href, { 'X-Studio-Token': token });
    await call('training.start', { weightsDir: path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop'), alpha: 0.35, epochs: 200, inputSize: 96 });
    // Gated on the event, not on time: the head has begun its 200 epochs (the run row says running); kill at once.
    await events.waitFor((e) => e.event === 'job.progress' && (JSON.parse(e.data) as { stage: string }).stage === 'train', 120_000);
    child.kill('SIGKILL');
    events.close();
    await exited(child);

    const reopened = openStudio(libraryDir);
    try {
      expect(reopened.library.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const runs = await reopened.api['runs.list']({});
      expect(runs.map((r) => r.status)).toEqual(['interrupted']);
      expect(runs[0]?.error).toMatch(/stopped while this run was in progress/);
    } finally {
      await reopened.close();
    }
  });
});
