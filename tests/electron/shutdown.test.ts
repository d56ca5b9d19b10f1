import { describe, expect, it, vi } from 'vitest';
import type { StudioEventListener } from '../../src-main/core/studio.js';
import { openStudio } from '../../src-main/core/studio.js';
import { connectCore } from '../../src-main/electron/core-client.js';
import { serveStudio, type HostedStudio } from '../../src-main/electron/core-host-protocol.js';
import { installCleanShutdown, type QuitEvent } from '../../src-main/electron/shutdown.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { createFakeHostChannel } from './fake-host-channel.js';

function fakeApp(steps: string[]) {
  let beforeQuit: ((event: QuitEvent) => void) | undefined;
  const app = {
    on(_event: 'before-quit', listener: (event: QuitEvent) => void) {
      beforeQuit = listener;
    },
    quit() {
      steps.push('app.quit');
      requestQuit();
    },
  };
  const prevented: boolean[] = [];
  const requestQuit = () => {
    let wasPrevented = false;
    beforeQuit?.({ preventDefault: () => (wasPrevented = true) });
    prevented.push(wasPrevented);
  };
  return { app, requestQuit, prevented };
}

function fakeStudio(steps: string[]): HostedStudio {
  // A job that ends only when cancelled, as a real training does: close() must wait for it.
  let running: Promise<void> | null = null;
  let endJob = () => undefined as void;
  const listeners = new Set<StudioEventListener>();
  return {
    api: {
      'library.info': async () => ({ root: '/lib', schemaVersion: 4 }),
      'training.start': async () => {
        running = new Promise((resolve) => (endJob = () => setImmediate(() => (steps.push('job ended'), resolve()))));
        return { jobId: 'job-1' };
      },
    } as unknown as HostedStudio['api'],
    subscribe: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
    async close() {
      steps.push('jobs.cancelAll');
      endJob();
      await running;
      steps.push('db.close');
    },
    resolveMedia: async () => ({ filePath: '/x', contentType: 'image/webp' }),
  };
}

describe('installCleanShutdown', () => {
  it('holds the quit until jobs are cancelled and the database closed, then quits', async () => {
    const steps: string[] = [];
    const { child, port } = createFakeHostChannel();
    serveStudio(port, fakeStudio(steps), () => undefined);
    const core = connectCore(child, () => undefined);
    await core.ready;
    await core.call('training.start', {});
    const { app, requestQuit, prevented } = fakeApp(steps);
    installCleanShutdown(app, { shutdown: () => core.shutdown().then(() => void steps.push('host killed')) });

    requestQuit();
    requestQuit(); // a second Cmd+Q while closing starts nothing new
    await vi.waitFor(() => expect(steps).toContain('app.quit'));
    expect(steps).toEqual(['jobs.cancelAll', 'job ended', 'db.close', 'host killed', 'app.quit']);
    expect(prevented).toEqual([true, true, false]);
    expect(child.killed).toBe(true);
  });

  it('refuses calls once shutdown has begun', async () => {
    const { child, port } = createFakeHostChannel();
    serveStudio(port, fakeStudio([]), () => undefined);
    const core = connectCore(child, () => undefined);
    await core.ready;
    const closing = core.shutdown();
    expect(await core.call('library.info', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    await closing;
  });

  it('still quits when the core does not answer in time', async () => {
    const steps: string[] = [];
    const { child } = createFakeHostChannel(); // nobody serves the port: the host hangs
    const core = connectCore(child, () => undefined);
    const { app, requestQuit } = fakeApp(steps);
    installCleanShutdown(app, { shutdown: () => core.shutdown(50) }, () => undefined);
    requestQuit();
    await vi.waitFor(() => expect(steps).toContain('app.quit'));
    expect(child.killed).toBe(true);
  });

  it('closes a real studio database before quitting', async () => {
    const studio = openStudio(makeTempDir('shutdown-lib-'));
    const { child, port } = createFakeHostChannel();
    serveStudio(port, { ...studio, resolveMedia: (kind, id) => studio.media(kind, id) }, () => undefined);
    const core = connectCore(child, () => undefined);
    await core.ready;
    expect(await core.call('library.info', {})).toMatchObject({ ok: true });
    let dbOpenAtQuit: boolean | undefined;
    const app = {
      listener: undefined as ((event: QuitEvent) => void) | undefined,
      on(_event: 'before-quit', listener: (event: QuitEvent) => void) {
        app.listener = listener;
      },
      quit() {
        dbOpenAtQuit = studio.library.db.open;
      },
    };
    installCleanShutdown(app, core);
    app.listener?.({ preventDefault: () => undefined });
    await vi.waitFor(() => expect(dbOpenAtQuit).toBeDefined());
    expect(dbOpenAtQuit).toBe(false);
  });
});
