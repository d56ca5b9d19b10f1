// The connection monitor over the real HTTP client and a real server that is stopped and started again on the same
// port: the lost event stream is noticed, failed actions are named once, probes back off, and the link comes back.
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openStudio, type Studio } from '../../../../src-main/core/studio.js';
import { startServer, type RunningServer } from '../../../../src-main/server.js';
import { ConnectionMonitor, type ConnectionView } from '../../../../src-renderer/lib/api/connection-monitor.js';
import { createHttpClient } from '../../../../src-renderer/lib/api/http-client.js';
import { createIpcClient } from '../../../../src-renderer/lib/api/ipc-client.js';
import type { StudioBridge } from '../../../../src-main/api/desktop-bridge.js';
import { sseEventSource } from '../../../helpers/sse-reader.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { makeRendererDir } from '../../../helpers/test-server.js';

const TOKEN = 'a-fixed-token-for-the-restart-test';
const silentLog = { warn: () => undefined, error: () => undefined };
const libraryDir = path.join(makeTempDir('studio-connection-'), 'library');
const rendererDir = makeRendererDir();
let studio: Studio | undefined;
let server: RunningServer | undefined;

async function serve(port = 0): Promise<RunningServer> {
  studio = openStudio(libraryDir);
  server = await startServer({ studio, rendererDir, port, token: TOKEN, log: silentLog });
  return server;
}

async function stop(): Promise<void> {
  await server?.close();
  await studio?.close();
  server = undefined;
  studio = undefined;
}

afterAll(stop);

describe('ConnectionMonitor', () => {
  it('goes offline when the server stops, names the first failed action once, and comes back when it restarts', async () => {
    const { port } = await serve();
    const client = createHttpClient({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN, eventSource: sseEventSource });
    const monitor = new ConnectionMonitor(client, { backoffMs: [50, 100, 200] });
    const views: ConnectionView[] = [];
    monitor.subscribe((view) => views.push(view));
    let restored = 0;
    monitor.onRestored(() => restored++);
    const changes: string[] = [];
    let streamOpen = 0;
    client.onConnection?.((state) => state === 'open' && streamOpen++);
    client.on('library.changed', ({ what }) => changes.push(what));
    await vi.waitFor(() => expect(streamOpen).toBe(1));

    await stop();
    await vi.waitFor(() => expect(monitor.view.status).toBe('offline'));

    const failures = await Promise.all(['first', 'second'].map((name) => client.call('classes.create', { name }).catch((error: unknown) => ({ error, name }))));
    const covered = failures.map((f) => ('error' in f ? monitor.actionFailed(f.error, `Could not create ${f.name}`) : false));
    expect(covered).toEqual([true, true]);
    expect(monitor.view).toMatchObject({ status: 'offline', failedAction: 'Could not create first', moreFailedActions: 1 });
    // an error that is not about reaching the core stays the caller's to show
    expect(monitor.actionFailed(Object.assign(new Error('exists'), { code: 'CONFLICT' }), 'Could not create')).toBe(false);
    await vi.waitFor(() => expect(monitor.view.failedProbes).toBeGreaterThanOrEqual(2));

    await serve(port);
    await vi.waitFor(() => expect(monitor.view.status).toBe('online'), { timeout: 5_000 });
    expect(monitor.view).toMatchObject({ failedAction: null, moreFailedActions: 0, failedProbes: 0 });
    expect(restored).toBe(1);
    // the event stream was reopened: a change made now arrives
    await vi.waitFor(() => expect(streamOpen).toBe(2));
    await client.call('classes.create', { name: 'after the restart' });
    await vi.waitFor(() => expect(changes).toContain('classes'));
    // the banner's states in order: online, offline, …, online again
    expect(views.map((v) => v.status).filter((s, i, all) => s !== all[i - 1])).toEqual(['online', 'offline', 'online']);
    monitor.dispose();
  });

  it('says the server refuses the page when it comes back with another token', async () => {
    const { port } = await serve();
    const client = createHttpClient({ baseUrl: `http://127.0.0.1:${port}`, token: 'the-old-token', eventSource: sseEventSource });
    const monitor = new ConnectionMonitor(client, { backoffMs: [20] });
    monitor.lost();
    await vi.waitFor(() => expect(monitor.view.status).toBe('refused'));
    expect(monitor.view.refusal).toContain('Wrong token');
    monitor.dispose();
    await stop();
  });

  it('notices a desktop core that is down by a failed call (IPC has no stream) and comes back once it answers', async () => {
    // the core host's answers while it is down and after the supervisor restarted it
    let coreUp = false;
    const bridge = {
      on: () => () => undefined,
      'library.info': async () => (coreUp ? { ok: true, value: { root: '/lib', schemaVersion: 5 } } : { ok: false, error: { code: 'UNAVAILABLE', message: 'The core process is not running', details: { unreachable: true } } }),
      'labels.set': async () => ({ ok: false, error: { code: 'UNAVAILABLE', message: 'The core process exited with code 139', details: { unreachable: true } } }),
    } as unknown as StudioBridge;
    const client = createIpcClient(bridge);
    const monitor = new ConnectionMonitor(client, { backoffMs: [10, 20] });
    let restored = 0;
    monitor.onRestored(() => restored++);
    const error = await client.call('labels.set', { photoIds: [1], classId: 1 }).catch((e: unknown) => e);
    expect(monitor.actionFailed(error, 'Could not save the label')).toBe(true);
    expect(monitor.view).toMatchObject({ status: 'offline', failedAction: 'Could not save the label' });
    await vi.waitFor(() => expect(monitor.view.failedProbes).toBeGreaterThanOrEqual(2));
    coreUp = true;
    await vi.waitFor(() => expect(monitor.view.status).toBe('online'));
    expect(restored).toBe(1);
    monitor.dispose();
  });
});
