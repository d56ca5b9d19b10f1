// Edge auto-scroll for the rubber band: speed from the pointer's depth into an edge zone, and the frame loop.
import { describe, expect, it } from 'vitest';
import { EDGE_MAX_SPEED_PX_PER_S, EDGE_ZONE_PX, EdgeAutoScroll, edgeScrollSpeed, type FrameScheduler } from '../../../../src-renderer/lib/utils/edge-scroll.js';

describe('edgeScrollSpeed', () => {
  const top = 100;
  const bottom = 700;

  it('is zero away from both edges', () => {
    expect(edgeScrollSpeed(400, top, bottom)).toBe(0);
    expect(edgeScrollSpeed(top + EDGE_ZONE_PX, top, bottom)).toBe(0);
    expect(edgeScrollSpeed(bottom - EDGE_ZONE_PX, top, bottom)).toBe(0);
  });

  it('grows in proportion to the depth into the bottom zone, scrolling down', () => {
    const quarter = edgeScrollSpeed(bottom - EDGE_ZONE_PX * 0.75, top, bottom);
    const half = edgeScrollSpeed(bottom - EDGE_ZONE_PX * 0.5, top, bottom);
    expect(quarter).toBeCloseTo(EDGE_MAX_SPEED_PX_PER_S * 0.25);
    expect(half).toBeCloseTo(EDGE_MAX_SPEED_PX_PER_S * 0.5);
  });

  it('scrolls up near the top, at full speed at the edge and beyond it', () => {
    expect(edgeScrollSpeed(top + EDGE_ZONE_PX * 0.5, top, bottom)).toBeCloseTo(-EDGE_MAX_SPEED_PX_PER_S * 0.5);
    expect(edgeScrollSpeed(top, top, bottom)).toBe(-EDGE_MAX_SPEED_PX_PER_S);
    expect(edgeScrollSpeed(top - 300, top, bottom)).toBe(-EDGE_MAX_SPEED_PX_PER_S);
    expect(edgeScrollSpeed(bottom + 300, top, bottom)).toBe(EDGE_MAX_SPEED_PX_PER_S);
  });

  it('keeps a neutral middle in a viewport shorter than two zones', () => {
    expect(edgeScrollSpeed(150, 100, 200)).toBe(0);
    expect(edgeScrollSpeed(199, 100, 200)).toBeGreaterThan(0);
  });
});

/** A scheduler whose frames run only when the test says so. */
function manualFrames() {
  let next = 1;
  const pending = new Map<number, (timeMs: number) => void>();
  const frames: FrameScheduler = {
    request: (callback) => (pending.set(next, callback), next++),
    cancel: (handle) => void pending.delete(handle),
  };
  const run = (timeMs: number) => {
    const callbacks = [...pending.values()];
    pending.clear();
    for (const callback of callbacks) callback(timeMs);
  };
  return { frames, run, pendingCount: () => pending.size };
}

describe('EdgeAutoScroll', () => {
  it('scrolls by speed × frame time while the speed is non-zero, carrying fractions', () => {
    const { frames, run } = manualFrames();
    let speed = 600;
    const scrolled: number[] = [];
    const auto = new EdgeAutoScroll({ speed: () => speed, scrollBy: (px) => scrolled.push(px) }, frames);
    auto.update();
    expect(auto.running).toBe(true);
    run(1000); // first frame counts as 1/60 s: 10 px
    run(1050); // 50 ms at 600 px/s: 30 px
    speed = 30;
    run(1060); // 10 ms at 30 px/s: 0.3 px, carried
    run(1085); // 25 ms: 0.75 px, with the carry 1 px
    expect(scrolled).toEqual([10, 30, 1]);
    speed = 0;
    run(1100);
    expect(auto.running).toBe(false);
  });

  it('does not start outside the edge zones, and starts only one loop', () => {
    const { frames, pendingCount } = manualFrames();
    let speed = 0;
    const auto = new EdgeAutoScroll({ speed: () => speed, scrollBy: () => undefined }, frames);
    auto.update();
    expect(pendingCount()).toBe(0);
    speed = -200;
    auto.update();
    auto.update();
    expect(pendingCount()).toBe(1);
  });

  it('stops on stop(), without another frame', () => {
    const { frames, run, pendingCount } = manualFrames();
    const scrolled: number[] = [];
    const auto = new EdgeAutoScroll({ speed: () => -1200, scrollBy: (px) => scrolled.push(px) }, frames);
    auto.update();
    run(0);
    auto.stop();
    expect(pendingCount()).toBe(0);
    expect(auto.running).toBe(false);
    expect(scrolled).toEqual([-20]);
  });
});
