// WCAG 2 colour contrast: relative luminance, contrast ratio, the readable text colour on a background, and
// mixing a tint over a background (for shaded cells whose text colour must follow the shade).
export type Rgb = [number, number, number];

export const DARK_TEXT = '#000000';
export const LIGHT_TEXT = '#ffffff';

/** '#rgb' or '#rrggbb' → [r, g, b] in 0–255; anything else → null. */
export function parseHex(color: string): Rgb | null {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!match) return null;
  const hex = match[1]!.length === 3 ? [...match[1]!].map((c) => c + c).join('') : match[1]!;
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

export function toHex(rgb: Rgb): string {
  return `#${rgb.map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0')).join('')}`;
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Black or white, whichever reads better on `background` (a hex colour; unknown colours get black). */
export function textColorOn(background: string | undefined): string {
  const rgb = background ? parseHex(background) : null;
  if (!rgb) return DARK_TEXT;
  return contrastRatio(rgb, [0, 0, 0]) >= contrastRatio(rgb, [255, 255, 255]) ? DARK_TEXT : LIGHT_TEXT;
}

/** `tint` laid over `base` with opacity `alpha` (0–1). */
export function mix(base: Rgb, tint: Rgb, alpha: number): Rgb {
  return base.map((v, i) => v + (tint[i]! - v) * alpha) as Rgb;
}
