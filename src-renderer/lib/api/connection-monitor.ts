// Watches the renderer's link to the core. It is lost when the event stream drops (HTTP) or a call cannot reach the
// core (server stopped, core process down); then it probes with `library.info` after growing pauses until the core
// answers, reopens the event stream and tells the listeners, which refresh what they show. No DOM or node imports.
import { isUnreachable } from './call-error.js';
import type { StudioClient } from './studio-client.js';

/** online; offline (probing); refused: the server answers but not to us (it restarted with another token). */
export type ConnectionStatus = 'online' | 'offline' | 'refused';

export interface ConnectionView {
  status: ConnectionStatus;
  /** when the next probe runs (ms since the epoch), null while online or probing */
  nextProbeAt: number | null;
  /** probes that failed since the link was lost */
  failedProbes: number;
  /** the first action that failed while offline (said once, in the banner), and how many more failed after it */
  failedAction: string | null;
  moreFailedActions: number;
  /** the server's answer when it refused the probe */
  refusal: string | null;
}

/** Pauses between probes; the last one repeats. */
export const PROBE_BACKOFF_MS: readonly number[] = [500, 1_000, 2_000, 4_000, 8_000];

export interface ConnectionMonitorOptions {
  backoffMs?: readonly number[];
  now?: () => number;
}

const ONLINE: ConnectionView = { status: 'online', nextProbeAt: null, failedProbes: 0, failedAction: null, moreFailedActions: 0, refusal: null };

export class ConnectionMonitor {
  #view: ConnectionView = ONLINE;
  readonly #client: StudioClient;
  readonly #backoff: readonly number[];
  readonly #now: () => number;
  readonly #listeners = new Set<(view: ConnectionView) => void>();
  readonly #restoredListeners = new Set<() => void>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #probing = false;
  #stopTransport: (() => void) | undefined;

  constructor(client: StudioClient, options: ConnectionMonitorOptions = {}) {
    this.#client = client;
    this.#backoff = options.backoffMs ?? PROBE_BACKOFF_MS;
    this.#now = options.now ?? Date.now;
    this.#stopTransport = client.onConnection?.((state) => {
      if (state === 'lost') this.lost();
    });
  }

  get view(): ConnectionView {
    return this.#view;
  }

  /** Calls `listener` now and on every change. */
  subscribe(listener: (view: ConnectionView) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#view);
    return () => this.#listeners.delete(listener);
  }

  /** Called after the link came back (events may have been missed: refresh). */
  onRestored(listener: () => void): () => void {
    this.#restoredListeners.add(listener);
    return () => this.#restoredListeners.delete(listener);
  }

  /** The event stream dropped or a call did not reach the core: start probing (once). */
  lost(): void {
    if (this.#view.status !== 'online') return;
    this.#set({ ...ONLINE, status: 'offline' });
    this.#schedule();
  }

  /**
   * An action failed with `error`. Returns true when the connection banner covers it (the core is unreachable), so
   * the caller says nothing more; the first such action is named in the banner, later ones only counted. `what`
   * null: a background read, not something the person did.
   */
  actionFailed(error: unknown, what: string | null): boolean {
    if (!isUnreachable(error)) return false;
    this.lost();
    if (what === null) return true;
    if (this.#view.failedAction === null) this.#set({ ...this.#view, failedAction: what });
    else this.#set({ ...this.#view, moreFailedActions: this.#view.moreFailedActions + 1 });
    return true;
  }

  /** Probes at once (the banner's "Retry now"). */
  retryNow(): void {
    if (this.#view.status === 'online') return;
    this.#clearTimer();
    void this.#probe();
  }

  dispose(): void {
    this.#clearTimer();
    this.#stopTransport?.();
    this.#listeners.clear();
    this.#restoredListeners.clear();
  }

  #schedule(): void {
    this.#clearTimer();
    const pause = this.#backoff[Math.min(this.#view.failedProbes, this.#backoff.length - 1)] ?? 1_000;
    this.#set({ ...this.#view, nextProbeAt: this.#now() + pause });
    this.#timer = setTimeout(() => void this.#probe(), pause);
  }

  async #probe(): Promise<void> {
    if (this.#probing) return;
    this.#probing = true;
    this.#set({ ...this.#view, nextProbeAt: null });
    try {
      await this.#client.call('library.info', {});
      this.#set(ONLINE);
      this.#client.resume?.();
      for (const listener of this.#restoredListeners) listener();
    } catch (error) {
      if (isUnreachable(error)) {
        this.#set({ ...this.#view, failedProbes: this.#view.failedProbes + 1 });
        this.#schedule();
      } else {
        // it answers, but refuses us (a new token after a restart): only a reload with its new URL helps
        this.#set({ ...this.#view, status: 'refused', refusal: error instanceof Error ? error.message : String(error) });
      }
    } finally {
      this.#probing = false;
    }
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #set(view: ConnectionView): void {
    this.#view = view;
    for (const listener of this.#listeners) listener(view);
  }
}
