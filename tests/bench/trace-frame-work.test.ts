// The grid bench's reading of a Chrome trace: per-frame CPU of the renderer's threads between two marks.
import { describe, expect, it } from 'vitest';
import { frameWork } from '../../bench/trace-frame-work.js';

const RENDERER = 10;
const GPU = 20;
const OTHER_TAB = 30;
const MAIN = 1;
const COMPOSITOR = 2;
const WORKER = 3;

function threadName(pid: number, tid: number, name: string) {
  return { ph: 'M', name: 'thread_name', pid, tid, ts: 0, args: { name } };
}

/** A complete event whose thread (CPU) clock runs at half its wall clock, as on a loaded machine. */
function task(pid: number, tid: number, name: string, ts: number, cpuStart: number, cpuDur: number) {
  return { ph: 'X', name, pid, tid, ts, dur: cpuDur * 2, tts: cpuStart, tdur: cpuDur };
}

const trace = {
  traceEvents: [
    threadName(RENDERER, MAIN, 'CrRendererMain'),
    threadName(RENDERER, COMPOSITOR, 'Compositor'),
    threadName(RENDERER, WORKER, 'ThreadPoolForegroundWorker'),
    threadName(GPU, 1, 'VizCompositorThread'),
    threadName(OTHER_TAB, MAIN, 'CrRendererMain'),
    { ph: 'I', name: 'start', pid: RENDERER, tid: MAIN, ts: 1_000 },
    // before the start mark: left out
    task(RENDERER, MAIN, 'RunTask', 500, 0, 400),
    // a frame task of 10 ms CPU: 4 ms of script holding a 1 ms forced layout and a 1 ms unclassified event (counted
    // as script), 2 ms of paint, and 4 ms in the task itself (other)
    task(RENDERER, MAIN, 'RunTask', 2_000, 1_000, 10_000),
    task(RENDERER, MAIN, 'FunctionCall', 2_100, 1_100, 4_000),
    task(RENDERER, MAIN, 'Layout', 2_200, 1_200, 1_000),
    task(RENDERER, MAIN, 'v8.callFunction', 2_300, 2_300, 1_000),
    task(RENDERER, MAIN, 'Paint', 2_400, 6_000, 2_000),
    task(RENDERER, COMPOSITOR, 'RunTask', 2_000, 0, 1_000),
    task(RENDERER, WORKER, 'RasterTask', 2_000, 0, 3_000),
    task(RENDERER, WORKER, 'RasterTask', 2_100, 5_000, 3_000),
    task(GPU, 1, 'RunTask', 2_000, 0, 2_000),
    // another page's main thread: not this page's work
    task(OTHER_TAB, MAIN, 'RunTask', 2_000, 0, 50_000),
    { ph: 'I', name: 'end', pid: RENDERER, tid: MAIN, ts: 30_000 },
    // after the end mark: left out
    task(RENDERER, MAIN, 'RunTask', 31_000, 90_000, 5_000),
  ],
};

describe('frameWork', () => {
  it('divides each thread’s CPU time between the marks by the frames, and splits the main thread by kind', () => {
    const work = frameWork(JSON.stringify(trace), 'start', 'end', 2);
    expect(work.main).toBe(5);
    expect(work.script).toBe(1.5);
    expect(work.styleLayout).toBe(0.5);
    expect(work.paint).toBe(1);
    expect(work.other).toBe(2);
    expect(work.compositor).toBe(0.5);
    expect(work.raster).toBe(3);
    expect(work.display).toBe(1);
    expect(work.rasterTasks).toBe(1);
  });

  it('says which mark is missing instead of reading the whole trace', () => {
    expect(() => frameWork(JSON.stringify(trace), 'start', 'nowhere', 2)).toThrow(/start \/ nowhere/);
  });
});
