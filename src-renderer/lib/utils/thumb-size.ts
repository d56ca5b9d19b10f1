// Thumbnail sizes of the library grid: the bounds of the slider and the steps of Ctrl/Cmd + and −.
export const THUMB_MIN_PX = 80;
export const THUMB_MAX_PX = 360;
export const THUMB_DEFAULT_PX = 150;
const STEP_RATIO = 1.2;
const ROUND_TO_PX = 10;

export function clampThumbSize(px: number): number {
  if (!Number.isFinite(px)) return THUMB_DEFAULT_PX;
  return Math.min(THUMB_MAX_PX, Math.max(THUMB_MIN_PX, Math.round(px)));
}

/** One step larger (+1) or smaller (−1), by about a fifth, on a 10 px raster, always moving when not at a bound. */
export function stepThumbSize(px: number, direction: 1 | -1): number {
  const scaled = direction > 0 ? px * STEP_RATIO : px / STEP_RATIO;
  let next = Math.round(scaled / ROUND_TO_PX) * ROUND_TO_PX;
  if (next === px) next = px + direction * ROUND_TO_PX;
  return clampThumbSize(next);
}

export function parseThumbSize(raw: string): number | null {
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 ? clampThumbSize(value) : null;
}
