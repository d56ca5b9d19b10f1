import { describe, expect, it } from 'vitest';
import { CLASS_COLORS } from '../../../../src-main/core/library/classes.js';
import { contrastRatio, mix, parseHex, textColorOn, toHex } from '../../../../src-renderer/lib/utils/contrast.js';

describe('colour contrast', () => {
  it('computes the WCAG ratio: black on white is 21:1 and a colour on itself 1:1', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrastRatio([86, 180, 233], [86, 180, 233])).toBe(1);
  });

  it('picks black or white text so that every class colour reads at 4.5:1 or more', () => {
    for (const color of CLASS_COLORS) {
      const text = parseHex(textColorOn(color))!;
      expect(contrastRatio(parseHex(color)!, text), color).toBeGreaterThanOrEqual(4.5);
    }
    expect(textColorOn('#0072b2')).toBe('#ffffff');
    expect(textColorOn('#f0e442')).toBe('#000000');
  });

  it('falls back to black text for a colour it cannot read', () => {
    expect(textColorOn(undefined)).toBe('#000000');
    expect(textColorOn('tomato')).toBe('#000000');
  });

  it('mixes a tint over a background by its opacity', () => {
    expect(toHex(mix([0, 0, 0], [255, 255, 255], 0.5))).toBe('#808080');
    expect(parseHex('#abc')).toEqual([170, 187, 204]);
  });
});
