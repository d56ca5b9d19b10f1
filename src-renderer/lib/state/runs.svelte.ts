// Training runs: the list, the run being looked at, a second run to compare with, and cached details.
import { SvelteMap } from 'svelte/reactivity';
import type { RunDetail, RunSummary } from '../../../src-main/api/training-schemas.js';
import type { StudioClient } from '../api/studio-client.js';
import { handleError } from '../utils/handle-error.js';

export class RunsState {
  list = $state.raw<RunSummary[]>([]);
  selectedId = $state<number | null>(null);
  compareId = $state<number | null>(null);
  readonly details = new SvelteMap<number, RunDetail>();

  readonly selected = $derived(this.selectedId === null ? null : (this.details.get(this.selectedId) ?? null));
  readonly compared = $derived(this.compareId === null ? null : (this.details.get(this.compareId) ?? null));
  readonly latestFinished = $derived(this.list.find((run) => run.status === 'done') ?? null);

  readonly #client: StudioClient;

  constructor(client: StudioClient) {
    this.#client = client;
  }

  async refresh(): Promise<void> {
    try {
      const runs = await this.#client.call('runs.list', {});
      this.list = [...runs].sort((a, b) => b.id - a.id);
      if (this.selectedId === null && this.list[0]) await this.select(this.list[0].id);
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
      handleError(error, 'Could not load the run');
      return undefined;
    }
  }
}
