// Runs long jobs (import, training): one id each, progress and finish events, cancel, result kept for `jobs.get`.
import { randomUUID } from 'node:crypto';
import { isCancelled, isStudioError, toStudioError, type ErrorCode } from '../../api/errors.js';
import type { JobFinished, JobResult, JobState as ApiJobState } from '../../api/job-schemas.js';
import type { JobKind, JobProgress } from '../../api/schemas.js';
import { createJobContext, throwIfCancelled, type JobContext } from './job-context.js';

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** A job while the manager holds it; `result` is the JobResult of its kind (typed so by `start`). */
interface HeldJobState {
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  startedAt: string;
  progress: JobProgress | null;
  result: unknown;
  error: string | null;
  /** the StudioError code of a failed or cancelled job, so every shell maps it as it maps a direct call's error */
  errorCode: ErrorCode | null;
}

export type JobState = ApiJobState;

export interface JobListener {
  onProgress?(progress: JobProgress): void;
  onFinished?(finished: JobFinished): void;
}

/** `start` typed `result` by `kind`; the held state only forgets it (one union member per kind). */
const asApiState = (state: HeldJobState): JobState => state as JobState;

const FINISHED_JOBS_KEPT = 50;

/** The result of each job kind as the API types it; tests may use another map (plain values per kind). */
export type JobResultMap = { [K in JobKind]: JobResult<K> };

export class JobManager<Results extends Record<JobKind, unknown> = JobResultMap> {
  readonly #jobs = new Map<string, { state: HeldJobState; controller: AbortController; promise: Promise<unknown> }>();
  readonly #listeners = new Set<JobListener>();
  /** the last job started on each queue (its promise never rejects) */
  readonly #queueTails = new Map<string, Promise<void>>();

  subscribe(listener: JobListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Jobs given the same `queue` run one after another in start order (imports of one library: two at once would
   * do every file twice and race on the same rows); a queued job reports the stage 'queued' until its turn.
   */
  start<K extends JobKind>(kind: K, run: (ctx: JobContext) => Promise<Results[K]>, options: { queue?: string } = {}): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    const state: HeldJobState = { jobId, kind, status: 'running', startedAt: new Date().toISOString(), progress: null, result: null, error: null, errorCode: null };
    const ctx = createJobContext({
      signal: controller.signal,
      onProgress: (p) => {
        state.progress = { jobId, kind, ...p };
        for (const l of this.#listeners) l.onProgress?.(state.progress);
      },
    });
    const ahead = options.queue === undefined ? undefined : this.#queueTails.get(options.queue);
    if (ahead) ctx.report({ stage: 'queued', done: 0, total: 1, message: `waiting for the ${kind} before it to finish` });
    // a queued job that is cancelled ends at once, without waiting for its turn
    const turn = ahead ? Promise.race([ahead, new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }))]) : Promise.resolve();
    const promise = turn
      .then(() => {
        if (ahead) throwIfCancelled(controller.signal);
        return run(ctx);
      })
      .then(
        (result) => {
          state.status = 'done';
          state.result = result;
        },
        (error: unknown) => {
          state.status = isCancelled(error) ? 'cancelled' : 'failed';
          const studioError = toStudioError(error);
          state.error = studioError.message;
          state.errorCode = state.status === 'cancelled' ? 'CANCELLED' : studioError.code;
          // a job stopped by an expected failure may still hand back what it did (an import's summary so far)
          state.result = (studioError.details as { partialResult?: unknown } | undefined)?.partialResult ?? null;
          // expected failures are the job's answer, not a bug: only unexpected ones are logged with their stack
          if (state.status === 'failed' && !isStudioError(error)) console.error(`[job ${kind}]`, error);
        },
      )
      .then(() => {
        const finished = {
          jobId,
          kind,
          status: state.status as Exclude<JobStatus, 'running'>,
          ...(state.error ? { error: state.error } : {}),
          ...(state.errorCode ? { errorCode: state.errorCode } : {}),
          result: state.result,
        };
        for (const l of this.#listeners) l.onFinished?.(finished as JobFinished);
        this.#prune();
      });
    this.#jobs.set(jobId, { state, controller, promise });
    if (options.queue !== undefined) {
      const queue = options.queue;
      // the next job waits for this one and for every one before it (a cancelled job may end before those)
      const tail = ahead ? Promise.all([ahead, promise]).then(() => undefined) : promise;
      this.#queueTails.set(queue, tail);
      void tail.then(() => {
        if (this.#queueTails.get(queue) === tail) this.#queueTails.delete(queue);
      });
    }
    return jobId;
  }

  get(jobId: string): JobState | undefined {
    const held = this.#jobs.get(jobId)?.state;
    return held && asApiState(held);
  }

  list(): JobState[] {
    return [...this.#jobs.values()].map((j) => asApiState(j.state));
  }

  cancel(jobId: string): boolean {
    const job = this.#jobs.get(jobId);
    if (!job || job.state.status !== 'running') return false;
    job.controller.abort();
    return true;
  }

  /** Resolves with the job's final state (never rejects). */
  async wait(jobId: string): Promise<JobState | undefined> {
    await this.#jobs.get(jobId)?.promise;
    return this.get(jobId);
  }

  async cancelAll(): Promise<void> {
    for (const job of this.#jobs.values()) if (job.state.status === 'running') job.controller.abort();
    await Promise.all([...this.#jobs.values()].map((j) => j.promise));
  }

  #prune(): void {
    const finished = [...this.#jobs.values()].filter((j) => j.state.status !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - FINISHED_JOBS_KEPT))) this.#jobs.delete(job.state.jobId);
  }
}
