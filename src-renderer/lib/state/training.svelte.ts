// The Train view's state: the settings (starting from the last run's config), the Retrain action, and the live
// run: `training.start` answers its run id, the run's detail is read once, then each recorded epoch arrives as a
// run.epoch event and is appended (no polling).
import type { EpochRecord, RunDetail, RunEpoch, TrainingConfigInput } from '../../../src-main/api/training-schemas.js';
import type { StudioClient } from '../api/studio-client.js';
import { mergeEpochs } from '../utils/epochs.js';
import { errorFields } from '../utils/error-fields.js';
import { handleError } from '../utils/handle-error.js';
import type { JobsState } from './jobs.svelte.js';
import type { RunsState } from './runs.svelte.js';

export class TrainingState {
  config = $state<TrainingConfigInput>({});
  configLoaded = $state(false);
  jobId = $state<string | null>(null);
  liveRun = $state.raw<RunDetail | null>(null);
  lastOutcome = $state<string | null>(null);
  starting = $state(false);
  /** the error of the last Retrain that could not start, shown next to the button and the settings */
  startError = $state<string | null>(null);
  /** the settings (table keys) that error is about */
  startErrorFields = $state<string[]>([]);

  readonly #client: StudioClient;
  readonly #jobs: JobsState;
  readonly #runs: RunsState;
  readonly #onFinished: () => void;
  /** epochs that arrived while the live run's detail was being read */
  #pending: { runId: number; epochs: EpochRecord[] } | null = null;

  constructor(client: StudioClient, jobs: JobsState, runs: RunsState, onFinished: () => void) {
    this.#client = client;
    this.#jobs = jobs;
    this.#runs = runs;
    this.#onFinished = onFinished;
    client.on('run.epoch', (event) => this.#onEpoch(event));
  }

  get job() {
    return this.jobId ? this.#jobs.jobs.get(this.jobId) : this.#jobs.running.find((job) => job.kind === 'training');
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
    this.startError = null;
    this.startErrorFields = [];
    this.liveRun = null;
    try {
      const { jobId, runId } = await this.#client.call('training.start', $state.snapshot(this.config));
      this.jobId = jobId;
      this.#jobs.track(jobId, 'training');
      void this.#watch(jobId, runId);
      await this.#readLive(runId);
    } catch (error) {
      // shown next to Retrain (and the settings), not as a toast far from them
      this.startError = handleError(error, 'Could not start training', { notify: false, action: true }) ?? null;
      this.startErrorFields = errorFields(error);
    } finally {
      this.starting = false;
    }
  }

  async cancel(): Promise<void> {
    const job = this.job;
    if (job) await this.#jobs.cancel(job.jobId);
  }

  async #watch(jobId: string, runId: number): Promise<void> {
    const finished = await this.#jobs.waitFor(jobId);
    this.lastOutcome = finished.status === 'done' ? 'Training finished' : finished.status === 'cancelled' ? 'Training cancelled' : `Training failed: ${finished.error ?? 'unknown error'}`;
    await this.#runs.refresh();
    const final = this.#runs.details.get(runId) ?? (await this.#runs.load(runId));
    if (final) this.liveRun = final;
    this.#onFinished();
  }

  /** Reads the run once; epochs that arrived meanwhile are merged in. */
  async #readLive(runId: number): Promise<void> {
    this.#pending = { runId, epochs: [] };
    try {
      const detail = await this.#client.call('runs.get', { id: runId });
      const pending = this.#pending?.runId === runId ? this.#pending.epochs : [];
      if (this.liveRun?.id !== runId || this.liveRun.status === 'running') this.liveRun = { ...detail, epochs: mergeEpochs(detail.epochs, [...(this.liveRun?.id === runId ? this.liveRun.epochs : []), ...pending]) };
    } catch (error) {
      handleError(error, 'Could not read the running training', { notify: false });
    } finally {
      if (this.#pending?.runId === runId) this.#pending = null;
    }
  }

  #onEpoch({ jobId, runId, epoch }: RunEpoch): void {
    if (this.jobId !== jobId) {
      if (this.jobId !== null && this.#jobs.jobs.get(this.jobId)?.finished === null) return;
      // a training started elsewhere (another window, the CLI, before a reload): follow it to its end
      this.jobId = jobId;
      this.liveRun = null;
      void this.#watch(jobId, runId);
    }
    if (this.#pending?.runId === runId) this.#pending.epochs.push(epoch);
    const live = this.liveRun;
    // an epoch means the run has left the queue
    if (live?.id === runId) this.liveRun = { ...live, status: live.status === 'queued' ? 'running' : live.status, epochs: mergeEpochs(live.epochs, [epoch]) };
    else if (this.#pending === null) void this.#readLive(runId);
  }
}
