import { describe, expect, it, vi } from 'vitest';
import type { StudioEventListener } from '../../src-main/core/studio.js';
import { serveStudio, type HostedStudio } from '../../src-main/electron/core-host-protocol.js';
import { superviseCore } from '../../src-main/electron/core-supervisor.js';
import { createFakeHostChannel, type FakeHostChannel } from './fake-host-channel.js';

/** Each fork gets its own fake host serving a studio that reports which host answered. */
function fakeForks() {
  const hosts: { channel: FakeHostChannel; emit: StudioEventListener }[] = [];
  const fork = () => {
    const channel = createFakeHostChannel();
    const listeners = new Set<StudioEventListener>();
    const hostNumber = hosts.length + 1;
    const studio: HostedStudio = {
      api: { 'library.info': async () => ({ root: `host ${hostNumber}`, schemaVersion: 1 }) } as unknown as HostedStudio['api'],
      subscribe: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
      close: async () => undefined,
      resolveMedia: async () => ({ filePath: '/x', contentType: 'image/webp' }),
    };
    serveStudio(channel.port, studio, () => undefined);
    hosts.push({ channel, emit: (event, payload) => listeners.forEach((l) => l(event, payload)) });
    return channel.child;
  };
  return { hosts, fork };
}

const progress = { jobId: 'job-7', kind: 'training' as const, stage: 'epoch', done: 1, total: 10, ratePerSec: 1, etaSec: 9 };

describe('superviseCore', () => {
  it('reports the running job failed and starts a new host when the host crashes', async () => {
    const { hosts, fork } = fakeForks();
    const core = superviseCore(fork, { log: () => undefined });
    await core.ready;
    const events: unknown[][] = [];
    core.onEvent((event, payload) => events.push([event, payload]));
    hosts[0]?.emit('job.progress', progress);
    await vi.waitFor(() => expect(events).toHaveLength(1));

    hosts[0]?.channel.child.exit(139);
    expect(events[1]).toEqual(['job.finished', { jobId: 'job-7', kind: 'training', status: 'failed', error: expect.stringMatching(/exit code 139/) }]);
    expect(hosts).toHaveLength(2);
    expect(await core.call('library.info', {})).toEqual({ ok: true, value: { root: 'host 2', schemaVersion: 1 } });
  });

  it('does not report a job that finished before the crash', async () => {
    const { hosts, fork } = fakeForks();
    const core = superviseCore(fork, { log: () => undefined });
    await core.ready;
    const finished: unknown[] = [];
    core.onEvent((event, payload) => event === 'job.finished' && finished.push(payload));
    hosts[0]?.emit('job.progress', progress);
    hosts[0]?.emit('job.finished', { jobId: 'job-7', kind: 'training', status: 'done' });
    await vi.waitFor(() => expect(finished).toHaveLength(1));
    hosts[0]?.channel.child.exit(1);
    expect(finished).toHaveLength(1);
  });

  it('gives up after too many crashes in a minute, answering UNAVAILABLE', async () => {
    const { hosts, fork } = fakeForks();
    let clock = 0;
    const core = superviseCore(fork, { log: () => undefined, maxRestarts: 2, now: () => clock });
    for (let i = 0; i < 3; i++) {
      await vi.waitFor(() => expect(hosts).toHaveLength(i + 1));
      await core.call('library.info', {}); // the host is up and serving
      clock += 1_000;
      hosts[i]?.channel.child.exit(134);
    }
    expect(hosts).toHaveLength(3);
    expect(await core.call('library.info', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });

  it('does not restart a host that never opened the library', () => {
    let forks = 0;
    const unopened = createFakeHostChannel(); // nobody serves it: it never becomes ready
    superviseCore(
      () => {
        forks += 1;
        return unopened.child;
      },
      { log: () => undefined },
    );
    unopened.child.exit(1);
    expect(forks).toBe(1);
  });

  it('does not restart a host stopped by shutdown', async () => {
    const { hosts, fork } = fakeForks();
    const core = superviseCore(fork, { log: () => undefined });
    await core.ready;
    await core.shutdown(1_000);
    await vi.waitFor(() => expect(hosts[0]?.channel.child.killed).toBe(true));
    expect(hosts).toHaveLength(1);
  });
});
