// Viewer zoom and pan arithmetic: fit, actual pixels, steps that stop at 1:1, zoom about a point, pan limits.
import { describe, expect, it } from 'vitest';
import { FIT, MAX_SCALE, canPan, clampPan, effectiveScale, panBy, zoomStep, zoomTo } from '../../../../src-renderer/lib/utils/zoom-view.js';

const stage = { width: 800, height: 600 };
const tiny = { width: 8, height: 8 };
const large = { width: 4000, height: 3000 };

describe('zoom', () => {
  it('fits a tiny photo by enlarging it to the stage, and a large one by shrinking it', () => {
    expect(effectiveScale(FIT, tiny, stage)).toBe(75);
    expect(effectiveScale(FIT, large, stage)).toBe(0.2);
  });

  it('stops at actual pixels when a step crosses them, in both directions', () => {
    const up = zoomStep(FIT, 1, large, stage);
    expect(up.scale).toBeCloseTo(0.25);
    let view = zoomTo(FIT, 0.9, large, stage);
    view = zoomStep(view, 1, large, stage);
    expect(view.scale).toBe(1);
    view = zoomStep(zoomTo(FIT, 1.1, tiny, stage), -1, tiny, stage);
    expect(view.scale).toBe(1);
  });

  it('does not zoom beyond its limit', () => {
    expect(zoomTo(FIT, 1000, tiny, stage).scale).toBe(MAX_SCALE);
  });

  it('keeps the point under the pointer still while zooming in', () => {
    const at = { x: 200, y: -100 };
    const one = zoomTo(FIT, 1, large, stage);
    const two = zoomTo(one, 2, large, stage, at);
    // the photo point under `at` was (at - pan) / scale; it must be under `at` again
    expect((at.x - one.panX) / 1).toBeCloseTo((at.x - two.panX) / 2);
    expect((at.y - one.panY) / 1).toBeCloseTo((at.y - two.panY) / 2);
  });
});

describe('pan', () => {
  it('moves a zoomed photo but not past its edges', () => {
    const one = zoomTo(FIT, 1, large, stage);
    expect(canPan(one, large, stage)).toBe(true);
    expect(panBy(one, 100, -50, large, stage)).toMatchObject({ panX: 100, panY: -50 });
    expect(panBy(one, 1e6, 1e6, large, stage)).toMatchObject({ panX: (4000 - 800) / 2, panY: (3000 - 600) / 2 });
  });

  it('keeps a photo smaller than the stage centred', () => {
    expect(canPan(FIT, large, stage)).toBe(false);
    expect(clampPan({ scale: 1, panX: 30, panY: 30 }, tiny, stage)).toMatchObject({ panX: 0, panY: 0 });
  });
});
