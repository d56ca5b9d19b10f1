// The link to the core as the views see it (one per window): the ConnectionMonitor's view as runes, for the
// banner and for handleError, which leaves unreachable failures to the banner instead of one toast each.
import { ConnectionMonitor, type ConnectionView } from '../api/connection-monitor.js';
import type { StudioClient } from '../api/studio-client.js';

class Connection {
  view = $state.raw<ConnectionView>({ status: 'online', nextProbeAt: null, failedProbes: 0, failedAction: null, moreFailedActions: 0, refusal: null });
  #monitor: ConnectionMonitor | null = null;

  /** Starts watching `client`; `onRestored` runs each time the link comes back. */
  attach(client: StudioClient, onRestored: () => void): void {
    this.#monitor?.dispose();
    const monitor = new ConnectionMonitor(client);
    this.#monitor = monitor;
    monitor.subscribe((view) => (this.view = view));
    monitor.onRestored(onRestored);
  }

  /** True when the banner covers this failure (the core is unreachable); the caller then says nothing more. */
  actionFailed(error: unknown, what: string | null): boolean {
    return this.#monitor?.actionFailed(error, what) ?? false;
  }

  retryNow(): void {
    this.#monitor?.retryNow();
  }
}

export const connection = new Connection();
