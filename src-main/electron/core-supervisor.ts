// Keeps the core host alive: when the utility process dies (a native crash, out of memory in training), the
// jobs it was running are reported failed, and a new host is started, a few times a minute at most.
import type { EventName, MethodName } from '../api/contract.js';
import type { JobFinished, JobKind, JobProgress } from '../api/schemas.js';
import { connectCore, type CoreClient, type CoreEventListener, type HostChild } from './core-client.js';

export const MAX_RESTARTS = 3;
export const RESTART_WINDOW_MS = 60_000;

export interface SupervisorOptions {
  log?: (message: string, error?: unknown) => void;
  maxRestarts?: number;
  restartWindowMs?: number;
  now?: () => number;
}

export function superviseCore(fork: () => HostChild, options: SupervisorOptions = {}): CoreClient {
  const { log = console.error, maxRestarts = MAX_RESTARTS, restartWindowMs = RESTART_WINDOW_MS, now = Date.now } = options;
  const listeners = new Set<CoreEventListener>();
  const runningJobs = new Map<string, JobKind>(); // jobId → kind, from progress events
  const restarts: number[] = [];
  let stopping = false;

  const emit = (event: EventName, payload: unknown) => {
    for (const listener of listeners) listener(event, payload);
  };
  const track = (event: EventName, payload: unknown) => {
    if (event === 'job.progress') runningJobs.set((payload as JobProgress).jobId, (payload as JobProgress).kind);
    if (event === 'job.finished') runningJobs.delete((payload as JobFinished).jobId);
    emit(event, payload);
  };

  const start = (): CoreClient => {
    let opened = false;
    const client = connectCore(fork(), log, (code) => onCrash(code, opened));
    client.ready.then(() => (opened = true), () => undefined);
    client.onEvent(track);
    return client;
  };

  /** A host that never opened the library (e.g. a database from a newer app) is not restarted in a loop. */
  function onCrash(code: number, opened: boolean): void {
    for (const [jobId, kind] of runningJobs) {
      const finished: JobFinished = { jobId, kind, status: 'failed', error: `The core process stopped (exit code ${code}); the job did not finish` };
      emit('job.finished', finished);
    }
    runningJobs.clear();
    if (stopping || !opened) return;
    const t = now();
    while (restarts.length > 0 && (restarts[0] ?? 0) <= t - restartWindowMs) restarts.shift();
    if (restarts.length >= maxRestarts) {
      log(`[core-host] crashed ${restarts.length + 1} times within ${restartWindowMs / 1000} s; not restarting`);
      return;
    }
    restarts.push(t);
    log('[core-host] restarting');
    current = start();
  }

  let current = start();
  const first = current;
  return {
    ready: first.ready,
    call: (method: MethodName, request: unknown) => current.call(method, request),
    resolveMedia: (kind, id) => current.resolveMedia(kind, id),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    shutdown(timeoutMs) {
      stopping = true;
      return current.shutdown(timeoutMs);
    },
  };
}
