// Training runs: the list, the run being looked at (the newest until the user picks another, and again each time
// a newer run appears), a second run to compare with, and cached details (every listed run's, for its settings).
import { SvelteMap } from 'svelte/reactivity';
import type { RunDetail, RunSummary } from '../../../src-main/api/training-schemas.js';
import type { StudioClient } from '../api/studio-client.js';
import { handleError } from '../utils/handle-error.js';

/** Runs whose details (settings, metric kind) the table shows; older ones load when selected. */
const DETAILED_RUNS = 50;

export class RunsState {
  list = $state.raw<RunSummary[]>([]);
  selectedId = $state<number | null>(null);
  compareId = $state<number | null>(null);
  readonly details = new SvelteMap<number, RunDetail>();

  readonly selected = $derived(this.selectedId === null ? null : (this.details.get(this.selectedId) ?? null));
  readonly compared = $derived(this.compareId === null ? null : (this.details.get(this.compareId) ?? null));
  /** The newest run's detail (the Train view's run when none is training). */
  readonly newest = $derived(this.list[0] ? (this.details.get(this.list[0].id) ?? null) : null);
  readonly latestFinished = $derived(this.list.find((run) => run.status === 'done') ?? null);

  readonly #client: StudioClient;

  /** The newest finished run before `id` whose detail is loaded (what a run's result is compared with). */
  finishedBefore(id: number): RunDetail | null {
    const before = this.list.find((run) => run.id < id && run.status === 'done');
    return before ? (this.details.get(before.id) ?? null) : null;
  }

  constructor(client: StudioClient) {
    this.#client = client;
  }

  async refresh(): Promise<void> {
    try {
      const runs = await this.#client.call('runs.list', {});
      const newestBefore = this.list[0]?.id ?? null;
      this.list = [...runs].sort((a, b) => b.id - a.id);
      const newest = this.list[0];
      // Follow the newest run: at load, and when a run appears (one just started or trained).
      if (newest && (this.selectedId === null || newest.id !== newestBefore)) this.selectedId = newest.id;
      if (this.compareId === this.selectedId) this.compareId = null;
      // Details of runs not yet loaded, or whose status moved on since (running → done).
      const stale = this.list.slice(0, DETAILED_RUNS).filter((r) => this.details.get(r.id)?.status !== r.status || r.status === 'running');
      await Promise.all(stale.map((r) => this.load(r.id)));
    } catch (error) {
      handleError(error, 'Could not list training runs', { notify: false });
    }
  }

  async select(id: number): Promise<void> {
    this.selectedId = id;
    if (this.compareId === id) this.compareId = null;
    await this.load(id);
  }

  async compareWith(id: number | null): Promise<void> {
    this.compareId = id === this.selectedId ? null : id;
    if (this.compareId !== null) await this.load(this.compareId);
  }

  /** Fetches (again) one run's detail: epochs, metrics, confusion. */
  async load(id: number): Promise<RunDetail | undefined> {
    try {
      const detail = await this.#client.call('runs.get', { id });
      this.details.set(id, detail);
      return detail;
    } catch (error) {
      handleError(error, 'Could not load the run', { action: false });
      return undefined;
    }
  }
}
