// An in-memory stand-in for Electron's utility process pipe: a HostChild for main and a HostPort for the
// core host, delivering structured clones asynchronously as the real MessagePort does.
import type { HostChild } from '../../src-main/electron/core-client.js';
import type { HostMessage, HostPort } from '../../src-main/electron/core-host-protocol.js';

export interface FakeHostChannel {
  child: HostChild & { killed: boolean; exit(code: number): void; sent: unknown[] };
  port: HostPort;
}

export function createFakeHostChannel(): FakeHostChannel {
  const toHost = new Set<(message: { data: unknown }) => void>();
  const toMain = new Set<(message: unknown) => void>();
  const onExit = new Set<(code: number) => void>();
  const child = {
    killed: false,
    sent: [] as unknown[],
    postMessage(message: unknown) {
      child.sent.push(message);
      const copy = structuredClone(message);
      setImmediate(() => toHost.forEach((l) => l({ data: copy })));
    },
    on(event: 'message' | 'exit', listener: ((message: unknown) => void) | ((code: number) => void)) {
      if (event === 'message') toMain.add(listener as (message: unknown) => void);
      else onExit.add(listener as (code: number) => void);
      return child;
    },
    kill() {
      child.killed = true;
      setImmediate(() => child.exit(0));
      return true;
    },
    exit(code: number) {
      onExit.forEach((l) => l(code));
    },
  };
  const port: HostPort = {
    on(_event, listener) {
      toHost.add(listener);
    },
    postMessage(message: HostMessage) {
      const copy = structuredClone(message);
      setImmediate(() => toMain.forEach((l) => l(copy)));
    },
  };
  return { child, port };
}
