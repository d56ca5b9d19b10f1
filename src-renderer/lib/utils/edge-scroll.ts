// Auto-scroll while a drag is held near a scroller's top or bottom edge (the grid's rubber band): the speed grows
// with how far the pointer is into the edge zone, one animation-frame loop runs until the pointer leaves the
// zone or stop() is called. No DOM imports: the frame scheduler is passed in (requestAnimationFrame in the page).

export const EDGE_ZONE_PX = 56;
export const EDGE_MAX_SPEED_PX_PER_S = 1500;
/** A frame later than this (tab in background, long task) scrolls as if it were this long. */
const MAX_FRAME_S = 0.1;
const FIRST_FRAME_S = 1 / 60;

/**
 * Signed scroll speed in px/s for a pointer at clientY over a viewport spanning [top, bottom) on screen:
 * negative scrolls up, 0 outside both edge zones, full speed at the edge and beyond it.
 */
export function edgeScrollSpeed(clientY: number, top: number, bottom: number): number {
  // A short viewport keeps a neutral middle third.
  const zone = Math.min(EDGE_ZONE_PX, (bottom - top) / 3);
  if (zone <= 0) return 0;
  const intoTop = top + zone - clientY;
  if (intoTop > 0) return -EDGE_MAX_SPEED_PX_PER_S * Math.min(1, intoTop / zone);
  const intoBottom = clientY - (bottom - zone);
  if (intoBottom > 0) return EDGE_MAX_SPEED_PX_PER_S * Math.min(1, intoBottom / zone);
  return 0;
}

export interface FrameScheduler {
  request(callback: (timeMs: number) => void): number;
  cancel(handle: number): void;
}

export interface EdgeScrollTarget {
  /** Current speed in px/s (from the latest pointer position); 0 ends the loop. */
  speed(): number;
  /** Scrolls by a whole number of pixels (fractions are carried to the next frame). */
  scrollBy(px: number): void;
}

export class EdgeAutoScroll {
  readonly #target: EdgeScrollTarget;
  readonly #frames: FrameScheduler;
  #handle: number | null = null;
  #lastMs: number | null = null;
  #carryPx = 0;

  constructor(target: EdgeScrollTarget, frames: FrameScheduler) {
    this.#target = target;
    this.#frames = frames;
  }

  get running(): boolean {
    return this.#handle !== null;
  }

  /** Call on every pointer move: starts the loop when the pointer enters an edge zone. */
  update(): void {
    if (this.#handle !== null || this.#target.speed() === 0) return;
    this.#lastMs = null;
    this.#carryPx = 0;
    this.#handle = this.#frames.request(this.#tick);
  }

  stop(): void {
    if (this.#handle !== null) this.#frames.cancel(this.#handle);
    this.#handle = null;
  }

  readonly #tick = (timeMs: number): void => {
    const speed = this.#target.speed();
    if (speed === 0) {
      this.#handle = null;
      return;
    }
    const seconds = this.#lastMs === null ? FIRST_FRAME_S : Math.min(MAX_FRAME_S, Math.max(0, (timeMs - this.#lastMs) / 1000));
    this.#lastMs = timeMs;
    this.#carryPx += speed * seconds;
    const whole = Math.trunc(this.#carryPx);
    if (whole !== 0) {
      this.#carryPx -= whole;
      this.#target.scrollBy(whole);
    }
    this.#handle = this.#frames.request(this.#tick);
  };
}
