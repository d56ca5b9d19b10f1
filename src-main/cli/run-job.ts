// Runs a core job from the CLI: progress on stderr, Ctrl+C cancels (the job stops cleanly), the final state returned.
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
