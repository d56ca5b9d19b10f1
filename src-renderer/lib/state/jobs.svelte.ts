// Long-running jobs (import, training) as the core reports them: latest progress per job, and a promise per
// job that settles with its job.finished event.
import { SvelteMap } from 'svelte/reactivity';
import type { JobFinished } from '../../../src-main/api/job-schemas.js';
import type { JobKind, JobProgress } from '../../../src-main/api/schemas.js';
import type { StudioClient } from '../api/studio-client.js';
import { handleError } from '../utils/handle-error.js';

export interface JobView {
  jobId: string;
  kind: JobKind;
  progress: JobProgress | null;
  finished: JobFinished | null;
}

export class JobsState {
  readonly jobs = new SvelteMap<string, JobView>();
  readonly running = $derived([...this.jobs.values()].filter((job) => job.finished === null));

  readonly #client: StudioClient;
  #waiters = new Map<string, Array<(finished: JobFinished) => void>>();
  #progressListeners = new Set<(progress: JobProgress) => void>();

  constructor(client: StudioClient) {
    this.#client = client;
    client.on('job.progress', (progress) => this.#onProgress(progress));
    client.on('job.finished', (finished) => this.#onFinished(finished));
  }

  /**
   * Picks up jobs already running (a reload during training); after a lost connection, also settles the jobs this
   * window still thinks are running but the core no longer knows (it restarted) or finished meanwhile.
   */
  async load(): Promise<void> {
    try {
      const known = new Map((await this.#client.call('jobs.list', {})).map((job) => [job.jobId, job]));
      for (const job of known.values()) {
        if (job.status !== 'running') continue;
        this.jobs.set(job.jobId, { jobId: job.jobId, kind: job.kind, progress: job.progress, finished: null });
      }
      for (const job of this.running) {
        const state = known.get(job.jobId);
        if (state?.status === 'running') continue;
        // (a result that arrived while disconnected is not picked up: the views refresh from the library instead)
        const status = state?.status ?? 'failed';
        const error = state ? state.error : 'The studio restarted; the job did not finish';
        this.#onFinished({ jobId: job.jobId, kind: job.kind, status, ...(error ? { error } : {}) });
      }
    } catch (error) {
      handleError(error, 'Could not list running jobs', { notify: false });
    }
  }

  runningOf(kind: JobKind): JobView | undefined {
    return this.running.find((job) => job.kind === kind);
  }

  track(jobId: string, kind: JobKind): void {
    if (!this.jobs.has(jobId)) this.jobs.set(jobId, { jobId, kind, progress: null, finished: null });
  }

  /** Settles when the job finishes (immediately if it already has). */
  waitFor(jobId: string): Promise<JobFinished> {
    const finished = this.jobs.get(jobId)?.finished;
    if (finished) return Promise.resolve(finished);
    return new Promise((resolve) => {
      const list = this.#waiters.get(jobId) ?? [];
      list.push(resolve);
      this.#waiters.set(jobId, list);
    });
  }

  onProgress(listener: (progress: JobProgress) => void): () => void {
    this.#progressListeners.add(listener);
    return () => this.#progressListeners.delete(listener);
  }

  async cancel(jobId: string): Promise<void> {
    try {
      await this.#client.call('jobs.cancel', { jobId });
    } catch (error) {
      handleError(error, 'Could not cancel the job');
    }
  }

  #onProgress(progress: JobProgress): void {
    const job = this.jobs.get(progress.jobId);
    if (job?.finished) return;
    this.jobs.set(progress.jobId, { jobId: progress.jobId, kind: progress.kind, progress, finished: null });
    for (const listener of this.#progressListeners) listener(progress);
  }

  #onFinished(finished: JobFinished): void {
    const job = this.jobs.get(finished.jobId);
    this.jobs.set(finished.jobId, { jobId: finished.jobId, kind: finished.kind, progress: job?.progress ?? null, finished });
    for (const resolve of this.#waiters.get(finished.jobId) ?? []) resolve(finished);
    this.#waiters.delete(finished.jobId);
  }
}
