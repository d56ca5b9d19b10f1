// Runs a core job from the CLI: progress on stderr, Ctrl+C cancels (the job stops cleanly), the final state returned;
// a failed job becomes the StudioError it failed with, so its code picks the exit code as a direct call's would.
import { StudioError } from '../api/errors.js';
import type { JobState } from '../core/jobs/job-manager.js';
import type { CliContext } from './cli-context.js';
import { createProgressPrinter } from './progress-printer.js';

export async function runJob(ctx: CliContext, jobId: string, onLine?: (p: JobState['progress']) => string | undefined): Promise<JobState> {
  const studio = ctx.studio();
  const printer = createProgressPrinter(ctx.io);
  const unsubscribe = studio.jobs.subscribe({
    onProgress(progress) {
      if (progress.jobId !== jobId) return;
      const line = onLine?.(progress);
      if (line) printer.line(line);
      else printer.update(progress);
    },
  });
  const onSigint = () => {
    printer.line('Cancelling… (work done so far is kept)');
    studio.jobs.cancel(jobId);
  };
  process.on('SIGINT', onSigint);
  try {
    const state = await studio.jobs.wait(jobId);
    if (!state) throw new StudioError('INTERNAL', `Job ${jobId} vanished`);
    return state;
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
    printer.end();
  }
}

/** Throws the job's own error (code and message) unless it finished; `cancelled` overrides the cancel message. */
export function throwIfNotDone(state: JobState, what: string, cancelled?: string): void {
  if (state.status === 'done') return;
  if (state.status === 'cancelled') throw new StudioError('CANCELLED', cancelled ?? state.error ?? `${what} cancelled`);
  throw new StudioError(state.errorCode ?? 'INTERNAL', state.error ?? `${what} failed`);
}
