import { describe, expect, it, vi } from 'vitest';
import { StudioError } from '../../src-main/api/errors.js';
import type { StudioEventListener } from '../../src-main/core/studio.js';
import { connectCore } from '../../src-main/electron/core-client.js';
import { startCoreHost } from '../../src-main/electron/core-host.js';
import { serveStudio, type HostedStudio, type HostMessage } from '../../src-main/electron/core-host-protocol.js';
import { libraryDirFromArgs } from '../../src-main/electron/library-arg.js';
import { createFakeHostChannel } from './fake-host-channel.js';

function echoStudio() {
  const listeners = new Set<StudioEventListener>();
  const seen: unknown[] = [];
  const studio: HostedStudio = {
    api: {
      'photos.get': async (request: unknown) => {
        seen.push(request);
        return { id: 1 };
      },
      'classes.delete': async () => {
        throw new Error('disk on fire');
      },
    } as unknown as HostedStudio['api'],
    subscribe: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
    close: async () => undefined,
    resolveMedia: async () => ({ filePath: '/lib/thumbnails/ab/abc.webp', contentType: 'image/webp' }),
  };
  const emit: StudioEventListener = (event, payload) => listeners.forEach((l) => l(event, payload));
  return { studio, seen, emit, listeners };
}

describe('serveStudio and connectCore', () => {
  it('relays a call to the core and its answer back', async () => {
    const { child, port } = createFakeHostChannel();
    const { studio, seen } = echoStudio();
    serveStudio(port, studio, () => undefined);
    const core = connectCore(child, () => undefined);
    await core.ready;
    expect(await core.call('photos.get', { id: 1 })).toEqual({ ok: true, value: { id: 1 } });
    expect(seen).toEqual([{ id: 1 }]);
  });

  it('turns an unexpected core failure into INTERNAL without its message', async () => {
    const { child, port } = createFakeHostChannel();
    serveStudio(port, echoStudio().studio, () => undefined);
    const core = connectCore(child, () => undefined);
    const result = await core.call('classes.delete', { id: 3 });
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('disk on fire');
  });

  it('forwards core events to main until shutdown', async () => {
    const { child, port } = createFakeHostChannel();
    const { studio, emit, listeners } = echoStudio();
    serveStudio(port, studio, () => undefined);
    const core = connectCore(child, () => undefined);
    const events: unknown[] = [];
    core.onEvent((event, payload) => events.push([event, payload]));
    emit('library.changed', { what: 'classes' });
    await vi.waitFor(() => expect(events).toEqual([['library.changed', { what: 'classes' }]]));
    await core.shutdown(1_000);
    expect(listeners.size).toBe(0);
  });

  it('answers media lookups, with null for NOT_FOUND', async () => {
    const { child, port } = createFakeHostChannel();
    const { studio } = echoStudio();
    const resolveMedia: HostedStudio['resolveMedia'] = async (_kind, id) => {
      if (id !== 1) throw new StudioError('NOT_FOUND', `No photo with id ${id}`);
      return { filePath: '/t.webp', contentType: 'image/webp' };
    };
    serveStudio(port, { ...studio, resolveMedia }, () => undefined);
    const core = connectCore(child, () => undefined);
    expect(await core.resolveMedia('thumbnail', 1)).toEqual({ filePath: '/t.webp', contentType: 'image/webp' });
    expect(await core.resolveMedia('thumbnail', 2)).toBeNull();
  });

  it('ignores malformed messages instead of crashing the host', async () => {
    const { child, port } = createFakeHostChannel();
    const logged: string[] = [];
    serveStudio(port, echoStudio().studio, (message) => logged.push(message));
    (child.postMessage as (m: unknown) => void)({ type: 'eval', code: 'process.exit()' });
    await vi.waitFor(() => expect(logged).toEqual(['[core-host] ignored a malformed message']));
  });

  it('answers pending calls with UNAVAILABLE when the host process dies', async () => {
    const { child } = createFakeHostChannel(); // nobody answers
    const core = connectCore(child, () => undefined);
    const pending = core.call('library.info', {});
    child.exit(134);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/134/), details: { unreachable: true } } });
    await expect(core.ready).rejects.toThrow(/134/);
    expect(await core.call('library.info', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });
});

describe('startCoreHost', () => {
  it('reports open-failed when started without a library folder', () => {
    const posted: HostMessage[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    startCoreHost({ on: () => undefined, postMessage: (m) => void posted.push(m) }, ['electron', 'core-host.js']);
    spy.mockRestore();
    expect(posted).toEqual([{ type: 'open-failed', error: { code: 'INTERNAL', message: expect.stringMatching(/--library/) } }]);
  });

  it('reads --library from the process arguments', () => {
    expect(libraryDirFromArgs(['electron', 'host.js', '--library', '/data/lib'])).toBe('/data/lib');
    expect(libraryDirFromArgs(['electron', '--library'])).toBeNull();
    expect(libraryDirFromArgs(['electron', '--library', '--other'])).toBeNull();
  });
});
