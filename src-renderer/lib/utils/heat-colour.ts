// The heatmap's colour scale (blue → cyan → green → yellow → red), the same stops as the PNG that
// `studio explain` writes (src-main/core/ml/runs/explanation-png.ts), so the app and the file look alike.
const STOPS: [number, [number, number, number]][] = [
  [0, [0, 0, 255]],
  [0.35, [0, 255, 255]],
  [0.5, [0, 255, 0]],
  [0.65, [255, 255, 0]],
  [1, [255, 0, 0]],
];

/** RGB of a heat value in [0, 1]. */
export function heatColour(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, v));
  for (let i = 1; i < STOPS.length; i++) {
    const [t1, c1] = STOPS[i]!;
    const [t0, c0] = STOPS[i - 1]!;
    if (t <= t1) {
      const f = (t - t0) / (t1 - t0);
      return [0, 1, 2].map((ch) => Math.round(c0[ch]! + (c1[ch]! - c0[ch]!) * f)) as [number, number, number];
    }
  }
  return STOPS[STOPS.length - 1]![1];
}
