// Per-frame thread work from a Chrome trace (the JSON `browser.stopTracing()` returns): how busy the page's main
// thread is per frame, split into script / style+layout / paint / other, and how busy its compositor and raster
// threads (and the display compositor) are, between two `performance.mark`s the page sets around the measured part.
// Busy time is thread CPU time inside trace events (tts/tdur), not wall time: on a loaded machine a thread spends
// most of its wall time descheduled (measured: 4× its CPU time at load 8 on 2 cores), so wall time follows the load.

/** What to ask Chromium to record: tasks on every thread, the DevTools timeline events, and user-timing marks. */
export const FRAME_WORK_TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'];

export interface FrameWork {
  /** main thread (CrRendererMain) CPU ms per frame, and its split */
  main: number;
  script: number;
  styleLayout: number;
  paint: number;
  other: number;
  /** the renderer's compositor thread */
  compositor: number;
  /** the renderer's raster and image-decode workers, summed */
  raster: number;
  /** the display compositor (VizCompositorThread: software draw of the frame) */
  display: number;
  /** tiles rastered per frame (RasterTask events): new content needs ~2 per frame at 80 px/frame, the rest is
   *  content painted again (cells inserted into tiles already rastered, images arriving or decoded later) */
  rasterTasks: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** thread clock: start and duration in CPU time of the thread */
  tts?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

type Kind = 'script' | 'styleLayout' | 'paint';

const KIND_BY_EVENT: Record<string, Kind> = {
  FunctionCall: 'script',
  EvaluateScript: 'script',
  TimerFire: 'script',
  FireAnimationFrame: 'script',
  EventDispatch: 'script',
  RunMicrotasks: 'script',
  'v8.run': 'script',
  'v8.compile': 'script',
  'V8.Execute': 'script',
  MinorGC: 'script',
  MajorGC: 'script',
  'V8.GC_SCAVENGER': 'script',
  'V8.GCScavenger': 'script',
  UpdateLayoutTree: 'styleLayout',
  RecalculateStyles: 'styleLayout',
  Layout: 'styleLayout',
  HitTest: 'styleLayout',
  PrePaint: 'paint',
  Paint: 'paint',
  PaintImage: 'paint',
  Layerize: 'paint',
  UpdateLayer: 'paint',
  UpdateLayerTree: 'paint',
  CompositeLayers: 'paint',
  'Decode Image': 'paint',
  ImageDecodeTask: 'paint',
};

/** The complete events (ph X) of one thread that start in [from, to] (wall clock), as intervals on the thread's
 *  CPU clock, sorted by start (an enclosing event first). Events without thread time (a few µs) are left out. */
function cpuIntervals(events: TraceEvent[], from: number, to: number): Array<{ name: string; start: number; end: number }> {
  const out: Array<{ name: string; start: number; end: number }> = [];
  for (const event of events) {
    if (event.ph !== 'X' || event.tts === undefined || event.tdur === undefined || event.ts < from || event.ts > to) continue;
    out.push({ name: event.name, start: event.tts, end: event.tts + event.tdur });
  }
  return out.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** CPU µs of one thread: the union of its events' intervals, and the self time of each kind (an event's self time
 *  goes to its own kind, else to the nearest enclosing event that has one, else to other). */
function threadBusy(events: TraceEvent[], from: number, to: number): { busy: number } & Record<Kind, number> {
  const result = { busy: 0, script: 0, styleLayout: 0, paint: 0 };
  const stack: Array<{ end: number; kind: Kind | undefined; childTime: number; start: number }> = [];
  const length = (start: number, end: number) => Math.max(0, end - start);
  const close = (until: number) => {
    while (stack.length > 0 && stack[stack.length - 1]!.end <= until) {
      const done = stack.pop()!;
      const self = length(done.start, done.end) - done.childTime;
      if (done.kind) result[done.kind] += Math.max(0, self);
      else {
        // unclassified self time belongs to the nearest classified ancestor, if any
        const owner = [...stack].reverse().find((frame) => frame.kind !== undefined);
        if (owner?.kind) result[owner.kind] += Math.max(0, self);
      }
      if (stack.length > 0) stack[stack.length - 1]!.childTime += length(done.start, done.end);
      else result.busy += length(done.start, done.end);
    }
  };
  for (const event of cpuIntervals(events, from, to)) {
    close(event.start);
    const parent = stack[stack.length - 1];
    // an event that overruns its parent (clock rounding) is cut to it
    const end = parent ? Math.min(event.end, parent.end) : event.end;
    stack.push({ start: event.start, end, kind: KIND_BY_EVENT[event.name], childTime: 0 });
  }
  close(Infinity);
  return result;
}

/** Per-frame work between the page's `startMark` and `endMark` performance marks, over `frames` frames. */
export function frameWork(traceJson: string, startMark: string, endMark: string, frames: number): FrameWork {
  const parsed = JSON.parse(traceJson) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const threadNames = new Map<string, string>();
  for (const event of events) if (event.ph === 'M' && event.name === 'thread_name') threadNames.set(`${event.pid}:${event.tid}`, event.args?.name ?? '');
  const start = events.find((event) => event.name === startMark);
  const end = events.find((event) => event.name === endMark);
  if (!start || !end) throw new Error(`trace lacks the marks ${startMark} / ${endMark}`);
  const rendererPid = start.pid;
  const byThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    if (event.ph !== 'X') continue;
    const key = `${event.pid}:${event.tid}`;
    const list = byThread.get(key);
    if (list) list.push(event);
    else byThread.set(key, [event]);
  }
  const work: FrameWork = { main: 0, script: 0, styleLayout: 0, paint: 0, other: 0, compositor: 0, raster: 0, display: 0, rasterTasks: 0 };
  for (const [key, threadEvents] of byThread) {
    const name = threadNames.get(key) ?? '';
    const inRenderer = Number(key.split(':')[0]) === rendererPid;
    const busy = threadBusy(threadEvents, start.ts, end.ts);
    if (inRenderer && name === 'CrRendererMain') {
      work.main += busy.busy;
      work.script += busy.script;
      work.styleLayout += busy.styleLayout;
      work.paint += busy.paint;
    } else if (inRenderer && name === 'Compositor') work.compositor += busy.busy;
    // raster and image decode run on the renderer's thread pool (CompositorTileWorker threads in other builds)
    else if (inRenderer && (name.startsWith('CompositorTileWorker') || name === 'ThreadPoolForegroundWorker')) work.raster += busy.busy;
    else if (name === 'VizCompositorThread') work.display += busy.busy;
  }
  work.other = Math.max(0, work.main - work.script - work.styleLayout - work.paint);
  const perFrame = Math.max(1, frames);
  const perFrameMs = Object.fromEntries(Object.entries(work).map(([k, v]) => [k, v / 1000 / perFrame])) as unknown as FrameWork;
  const rasterTasks = events.filter((event) => event.name === 'RasterTask' && event.ph === 'X' && event.pid === rendererPid && event.ts >= start.ts && event.ts <= end.ts).length;
  return { ...perFrameMs, rasterTasks: rasterTasks / perFrame };
}
