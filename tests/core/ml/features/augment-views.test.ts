import { describe, expect, it } from 'vitest';
import {
  adjustBrightness,
  adjustContrast,
  applyView,
  canonicalView,
  flipHorizontal,
  makeViewSet,
  parseView,
  rotate,
  shear,
  shift,
  zoom,
  type FloatRgbImage,
} from '../../../../src-main/core/ml/features/augment-views.js';

function randomImage(width: number, height: number, seed = 1): FloatRgbImage {
  const data = new Float32Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = Math.floor((s / 2147483648) * 256);
  }
  return { width, height, data };
}

const IMAGE = randomImage(32, 24);

describe('augmentation views', () => {
  it('flipping twice gives the image back; flipping once mirrors it', () => {
    const once = flipHorizontal(IMAGE);
    expect(once.data).not.toEqual(IMAGE.data);
    expect(Array.from(once.data.slice(0, 3))).toEqual(Array.from(IMAGE.data.slice((32 - 1) * 3, 32 * 3)));
    expect(flipHorizontal(once).data).toEqual(IMAGE.data);
  });

  it('rotation 0, zoom 1, shift 0, shear 0, brightness 0 and contrast 1 are the identity', () => {
    for (const out of [
      rotate(IMAGE, 0),
      zoom(IMAGE, 1),
      shift(IMAGE, 0, 0),
      shear(IMAGE, 0),
      adjustBrightness(IMAGE, 0),
      adjustContrast(IMAGE, 1),
    ]) {
      expect(out.data).toEqual(IMAGE.data);
    }
  });

  it('rotating by 180 degrees equals flipping both ways', () => {
    const square = randomImage(16, 16, 7);
    const rotated = rotate(square, 180);
    const expected = new Float32Array(square.data.length);
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 16; x++)
        for (let c = 0; c < 3; c++) expected[(y * 16 + x) * 3 + c] = square.data[((15 - y) * 16 + (15 - x)) * 3 + c]!;
    for (let i = 0; i < expected.length; i++) expect(rotated.data[i]).toBeCloseTo(expected[i]!, 3);
  });

  it('keeps shape and the 0–255 range for every kind of view', () => {
    for (const view of ['flip|rot+15|zoom1.2', 'shift+0.1,-0.2|shear-10', 'bright+0.5', 'bright-0.5', 'contrast2.5', 'zoom0.7']) {
      const out = applyView(IMAGE, view);
      expect([out.width, out.height, out.data.length]).toEqual([32, 24, IMAGE.data.length]);
      expect(Math.min(...out.data)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...out.data)).toBeLessThanOrEqual(255);
      expect(out.data).not.toEqual(IMAGE.data);
    }
  });

  it('names views by their parameters, one name per view', () => {
    expect(parseView('original')).toEqual([]);
    expect(parseView('flip|rot-7.5')).toEqual([{ op: 'flip' }, { op: 'rot', degrees: -7.5 }]);
    expect(canonicalView('rot+0|zoom1|bright+0')).toBe('original');
    expect(canonicalView('flip|zoom1.10|rot+0')).toBe('flip|zoom1.1');
    expect(() => parseView('blur3')).toThrow(/expected 'original' or tokens like .* received 'blur3'/);
    expect(() => parseView('rot+200')).toThrow(/within ±180/);
  });

  it('draws the same distinct view names for the same seed', () => {
    const options = { count: 6, seed: 42, flip: true, rotationDeg: 20, zoom: 0.1, brightness: 0.1 };
    const views = makeViewSet(options);
    expect(views).toEqual(makeViewSet(options));
    expect(views[0]).toBe('original');
    expect(new Set(views).size).toBe(7);
    for (const view of views) expect(canonicalView(view)).toBe(view);
    expect(makeViewSet({ ...options, seed: 43 })).not.toEqual(views);
  });
});
