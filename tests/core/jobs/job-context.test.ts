import { describe, expect, it } from 'vitest';
import { createJobContext, type Progress } from '../../../src-main/core/jobs/job-context.js';

function recorder() {
  let clock = 0;
  const seen: Progress[] = [];
  const ctx = createJobContext({ now: () => clock, onProgress: (p) => seen.push(p) });
  return { ctx, seen, advance: (ms: number) => (clock += ms) };
}

describe('job progress', () => {
  it('gives the rate and the time left from the start of the stage', () => {
    const { ctx, seen, advance } = recorder();
    ctx.report({ stage: 'features', done: 0, total: 100 });
    advance(2000);
    ctx.report({ stage: 'features', done: 50, total: 100 });
    expect(seen.at(-1)).toMatchObject({ done: 50, ratePerSec: 25, etaSec: 2 });
  });

  it('starts the clock again when a second pass of the same stage counts from zero', () => {
    const { ctx, seen, advance } = recorder();
    ctx.report({ stage: 'features', done: 0, total: 100 });
    advance(4000);
    ctx.report({ stage: 'features', done: 100, total: 100 });
    expect(seen.at(-1)!.ratePerSec).toBe(25);
    ctx.report({ stage: 'features', done: 0, total: 100 });
    advance(4000);
    ctx.report({ stage: 'features', done: 100, total: 100 });
    // over the stage's whole 8 s it would read 12.5/s
    expect(seen.at(-1)!.ratePerSec).toBe(25);
  });
});
