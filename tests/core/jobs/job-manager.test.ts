// JobManager queues: jobs on one queue run one after another; jobs on other queues or none do not wait.
import { describe, expect, it } from 'vitest';
import type { JobKind } from '../../../src-main/api/schemas.js';
import { JobManager } from '../../../src-main/core/jobs/job-manager.js';

/** The queue behaviour does not depend on what jobs return: these return their names. */
const newJobManager = () => new JobManager<Record<JobKind, string>>();

/** A job that runs until released, recording when it starts. */
function gatedJob(log: string[], name: string) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { release, run: async () => { log.push(`${name} started`); await gate; log.push(`${name} ended`); return name; } };
}

describe('JobManager', () => {
  it('starts a job on a busy queue only after the job before it ended', async () => {
    const jobs = newJobManager();
    const log: string[] = [];
    const a = gatedJob(log, 'a');
    const b = gatedJob(log, 'b');
    const idA = jobs.start('import', a.run, { queue: 'import' });
    const idB = jobs.start('import', b.run, { queue: 'import' });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(log).toEqual(['a started']);
    expect(jobs.get(idB)?.progress?.stage).toBe('queued');
    b.release();
    a.release();
    await jobs.wait(idB);
    expect(log).toEqual(['a started', 'a ended', 'b started', 'b ended']);
    expect(jobs.get(idA)?.result).toBe('a');
  });

  it('runs jobs on different queues, or on none, side by side', async () => {
    const jobs = newJobManager();
    const log: string[] = [];
    const a = gatedJob(log, 'a');
    const b = gatedJob(log, 'b');
    const c = gatedJob(log, 'c');
    jobs.start('import', a.run, { queue: 'import' });
    jobs.start('training', b.run, { queue: 'training' });
    const idC = jobs.start('predict', c.run);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(log.sort()).toEqual(['a started', 'b started', 'c started']);
    a.release();
    b.release();
    c.release();
    await jobs.wait(idC);
  });

  it('ends a queued job cancelled at once, and the job after it still waits for the running one', async () => {
    const jobs = newJobManager();
    const log: string[] = [];
    const a = gatedJob(log, 'a');
    const c = gatedJob(log, 'c');
    jobs.start('import', a.run, { queue: 'import' });
    const idB = jobs.start('import', async () => 'b', { queue: 'import' });
    const idC = jobs.start('import', c.run, { queue: 'import' });
    jobs.cancel(idB);
    expect((await jobs.wait(idB))?.status).toBe('cancelled');
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(log).toEqual(['a started']);
    a.release();
    c.release();
    await jobs.wait(idC);
    expect(log).toEqual(['a started', 'a ended', 'c started', 'c ended']);
  });

  it('keeps the queue moving after a job on it failed', async () => {
    const jobs = newJobManager();
    const idA = jobs.start('import', async () => { throw new Error('boom'); }, { queue: 'import' });
    const idB = jobs.start('import', async () => 'after', { queue: 'import' });
    expect((await jobs.wait(idA))?.status).toBe('failed');
    expect(await jobs.wait(idB)).toMatchObject({ status: 'done', result: 'after' });
  });
});
