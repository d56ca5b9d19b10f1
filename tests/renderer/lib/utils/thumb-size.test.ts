// Thumbnail size steps and the stored preferences behind them (thumbnail size, predictions on tiles).
import { describe, expect, it } from 'vitest';
import { readStored, writeStored, type KeyValueStore } from '../../../../src-renderer/lib/utils/stored-value.js';
import { THUMB_DEFAULT_PX, THUMB_MAX_PX, THUMB_MIN_PX, clampThumbSize, parseThumbSize, stepThumbSize } from '../../../../src-renderer/lib/utils/thumb-size.js';

class MemoryStore implements KeyValueStore {
  readonly values = new Map<string, string>();
  getItem(key: string) {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.values.set(key, value);
  }
}

describe('thumbnail sizes', () => {
  it('grows and shrinks by about a fifth and returns to the default size in as many steps', () => {
    const up = stepThumbSize(THUMB_DEFAULT_PX, 1);
    expect(up).toBe(180);
    expect(stepThumbSize(up, -1)).toBe(THUMB_DEFAULT_PX);
  });

  it('stays within the slider bounds', () => {
    expect(stepThumbSize(THUMB_MAX_PX, 1)).toBe(THUMB_MAX_PX);
    expect(stepThumbSize(THUMB_MIN_PX, -1)).toBe(THUMB_MIN_PX);
    expect(clampThumbSize(Number.NaN)).toBe(THUMB_DEFAULT_PX);
  });

  it('refuses stored values that are not sizes', () => {
    expect(parseThumbSize('240')).toBe(240);
    expect(parseThumbSize('9000')).toBe(THUMB_MAX_PX);
    expect(parseThumbSize('big')).toBeNull();
  });
});

describe('stored preferences', () => {
  it('reads back what was written', () => {
    const store = new MemoryStore();
    writeStored('studio.thumbSize', '240', store);
    expect(readStored('studio.thumbSize', parseThumbSize, THUMB_DEFAULT_PX, store)).toBe(240);
  });

  it('falls back when nothing or something unreadable is stored', () => {
    const store = new MemoryStore();
    expect(readStored('studio.thumbSize', parseThumbSize, THUMB_DEFAULT_PX, store)).toBe(THUMB_DEFAULT_PX);
    store.setItem('studio.thumbSize', 'huge');
    expect(readStored('studio.thumbSize', parseThumbSize, THUMB_DEFAULT_PX, store)).toBe(THUMB_DEFAULT_PX);
  });

  it('keeps working when storage throws (storage turned off)', () => {
    const broken: KeyValueStore = {
      getItem: () => { throw new Error('SecurityError'); },
      setItem: () => { throw new Error('SecurityError'); },
    };
    expect(() => writeStored('k', 'v', broken)).not.toThrow();
    expect(readStored('k', (raw) => raw, 'fallback', broken)).toBe('fallback');
  });
});
