import { describe, expect, it } from 'vitest';
import { formatDay, formatDayRange, formatPlace } from '../../../../src-renderer/lib/utils/format-where-when.js';

describe('formatDay', () => {
  it('names the camera\'s calendar day whatever the machine\'s time zone', () => {
    expect(formatDay('2024-05-01')).toBe('Wed 1 May 2024');
    expect(formatDay('2024-12-31', false)).toBe('31 Dec 2024');
  });
});

describe('formatDayRange', () => {
  it('shortens a range within a month or a year and keeps both years across new year', () => {
    expect(formatDayRange('2024-05-01', '2024-05-01')).toBe('Wed 1 May 2024');
    expect(formatDayRange('2024-05-01', '2024-05-03')).toBe('1–3 May 2024');
    expect(formatDayRange('2024-04-30', '2024-05-02')).toBe('30 Apr – 2 May 2024');
    expect(formatDayRange('2023-12-31', '2024-01-01')).toBe('31 Dec 2023 – 1 Jan 2024');
  });
});

describe('formatPlace', () => {
  it('names a place by its centroid with hemisphere letters', () => {
    expect(formatPlace({ lat: -13.51631, lon: -71.97853 })).toBe('13.5163° S, 71.9785° W');
    expect(formatPlace({ lat: 46.5, lon: 7.25 })).toBe('46.5000° N, 7.2500° E');
  });
});
