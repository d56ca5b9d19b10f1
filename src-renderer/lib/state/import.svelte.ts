// The import job as the Import panel shows it (like TrainingState for training): start, the running job, its
// summary, and the failure to show next to the path field. The library and grid refresh through the core's
// library.changed event, not here.
import type { ImportSummary } from '../../../src-main/api/schemas.js';
import type { StudioClient } from '../api/studio-client.js';
import { handleError } from '../utils/handle-error.js';
import type { JobsState } from './jobs.svelte.js';

export class ImportState {
  jobId = $state<string | null>(null);
  summary = $state.raw<ImportSummary | null>(null);
  /** why the last import could not start or failed (the path field shows it) */
  failure = $state<string | null>(null);

  readonly #client: StudioClient;
  readonly #jobs: JobsState;

  constructor(client: StudioClient, jobs: JobsState) {
    this.#client = client;
    this.#jobs = jobs;
  }

  get job() {
    return this.jobId ? this.#jobs.jobs.get(this.jobId) : undefined;
  }

  get running(): boolean {
    const job = this.job;
    return job !== undefined && job.finished === null;
  }

  /** Clears the last outcome (the panel opens fresh, or the path changed). */
  reset(): void {
    if (this.running) return;
    this.summary = null;
    this.failure = null;
  }

  async start(root: string, labelsFromFolders: boolean): Promise<void> {
    this.summary = null;
    this.failure = null;
    try {
      const { jobId } = await this.#client.call('photos.import', { root, labelsFromFolders });
      this.jobId = jobId;
      this.#jobs.track(jobId, 'import');
      const finished = await this.#jobs.waitFor(jobId);
      if (finished.kind !== 'import') return;
      if (finished.status === 'failed') this.failure = finished.error ?? 'The import failed';
      this.summary = finished.result ?? null;
    } catch (error) {
      this.failure = handleError(error, 'Could not import', { notify: false, action: true }) ?? null;
    }
  }

  cancel(): void {
    if (this.jobId) void this.#jobs.cancel(this.jobId);
  }
}
