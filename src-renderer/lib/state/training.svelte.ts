// The Train view's state: the settings (starting from the last run's config), the Retrain action, and the live
// run whose epochs are re-read (at most once a second) while the training job reports progress.
import type { JobProgress } from '../../../src-main/api/schemas.js';
import type { RunDetail, TrainingConfigInput } from '../../../src-main/api/training-schemas.js';
import type { StudioClient } from '../api/studio-client.js';
import { handleError } from '../utils/handle-error.js';
import type { JobsState } from './jobs.svelte.js';
import type { RunsState } from './runs.svelte.js';

const LIVE_POLL_MS = 1000;

export function isTrainingJob(kind: string): boolean {
  return kind.includes('train');
}

export class TrainingState {
  config = $state<TrainingConfigInput>({});
  configLoaded = $state(false);
  jobId = $state<string | null>(null);
  liveRun = $state.raw<RunDetail | null>(null);
  lastOutcome = $state<string | null>(null);
  starting = $state(false);

  readonly #client: StudioClient;
  readonly #jobs: JobsState;
  readonly #runs: RunsState;
  readonly #onFinished: () => void;
  #lastPoll = 0;
  #pollTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(client: StudioClient, jobs: JobsState, runs: RunsState, onFinished: () => void) {
    this.#client = client;
    this.#jobs = jobs;
    this.#runs = runs;
    this.#onFinished = onFinished;
    jobs.onProgress((progress) => this.#onProgress(progress));
  }

  get job() {
    return this.jobId ? this.#jobs.jobs.get(this.jobId) : this.#jobs.running.find((job) => isTrainingJob(job.kind));
  }

  async loadConfig(): Promise<void> {
    try {
      // Alpha is read from the weights; sent back, the last run's value would be a check that fails as soon as
      // another weights folder is chosen. Left out, the field shows the default and the core reads the weights.
      const { alpha: _readFromWeights, ...config } = await this.#client.call('training.lastConfig', {});
      this.config = config;
      this.configLoaded = true;
    } catch (error) {
      handleError(error, 'Could not read the last training settings', { notify: false });
    }
  }

  /** One click: trains with the current settings (the last run's unless changed), then refreshes runs. */
  async retrain(): Promise<void> {
    if (this.job && !this.job.finished) return;
    this.starting = true;
    this.lastOutcome = null;
    this.liveRun = null;
    try {
      const { jobId } = await this.#client.call('training.start', $state.snapshot(this.config));
      this.jobId = jobId;
      this.#jobs.track(jobId, 'training');
      void this.#watch(jobId);
    } catch (error) {
      handleError(error, 'Could not start training');
    } finally {
      this.starting = false;
    }
  }

  async cancel(): Promise<void> {
    const job = this.job;
    if (job) await this.#jobs.cancel(job.jobId);
  }

  async #watch(jobId: string): Promise<void> {
    const finished = await this.#jobs.waitFor(jobId);
    this.lastOutcome = finished.status === 'done' ? 'Training finished' : finished.status === 'cancelled' ? 'Training cancelled' : `Training failed: ${finished.error ?? 'unknown error'}`;
    await this.#runs.refresh();
    await this.#pollLive(true);
    this.#onFinished();
  }

  #onProgress(progress: JobProgress): void {
    if (!isTrainingJob(progress.kind)) return;
    if (this.jobId === null) this.jobId = progress.jobId;
    if (!/train|epoch|fine/i.test(progress.stage)) return;
    const wait = LIVE_POLL_MS - (Date.now() - this.#lastPoll);
    if (wait <= 0) void this.#pollLive(false);
    else this.#pollTimer ??= setTimeout(() => void this.#pollLive(false), wait);
  }

  async #pollLive(final: boolean): Promise<void> {
    if (this.#pollTimer) clearTimeout(this.#pollTimer);
    this.#pollTimer = null;
    this.#lastPoll = Date.now();
    try {
      let runId = this.liveRun?.id;
      if (runId === undefined || final) {
        const runs = await this.#client.call('runs.list', {});
        const newest = [...runs].sort((a, b) => b.id - a.id)[0];
        runId = (runs.find((run) => run.status === 'running') ?? (final ? newest : undefined))?.id;
      }
      if (runId === undefined) return;
      this.liveRun = await this.#client.call('runs.get', { id: runId });
    } catch (error) {
      handleError(error, 'Could not read the running training', { notify: false });
    }
  }
}
