// An explanation drawn for people: the upright photo with the class activation map, upsampled over the part of
// the photo the model saw, in a blue → red colour scale blended over it (cold areas stay almost clear).
import sharp from 'sharp';
import { openUpright } from '../../photos/decode-image.js';
import { upsampleMap } from '../training/class-activation-map.js';
import type { PhotoExplanation } from './explain-photo.js';

/** Long side of the written PNG: enough to see the photo, small enough to write at once. */
export const EXPLANATION_PNG_LONG_SIDE_PX = 1024;
/** Opacity of the hottest area; it falls with the heat. */
const MAX_OPACITY = 0.6;

/** Jet-like scale: 0 blue, 0.35 cyan, 0.5 green, 0.65 yellow, 1 red. */
const STOPS: [number, [number, number, number]][] = [
  [0, [0, 0, 255]],
  [0.35, [0, 255, 255]],
  [0.5, [0, 255, 0]],
  [0.65, [255, 255, 0]],
  [1, [255, 0, 0]],
];

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

/** PNG bytes: the photo (long side ≤ 1024 px) with the map blended over the model's region. */
export async function explanationPng(photoPath: string, explanation: Pick<PhotoExplanation, 'size' | 'values' | 'region'>): Promise<Buffer> {
  const { data, info } = await openUpright(photoPath)
    .removeAlpha()
    .resize(EXPLANATION_PNG_LONG_SIDE_PX, EXPLANATION_PNG_LONG_SIDE_PX, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const r = explanation.region;
  const left = Math.round(r.x * width);
  const top = Math.round(r.y * height);
  const w = Math.max(1, Math.round(r.width * width));
  const h = Math.max(1, Math.round(r.height * height));
  const heat = upsampleMap({ size: explanation.size, values: Float32Array.from(explanation.values) }, w, h);
  const out = Buffer.from(data);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = left + x;
      const py = top + y;
      if (px < 0 || py < 0 || px >= width || py >= height) continue;
      const v = heat[y * w + x]!;
      const colour = heatColour(v);
      const a = MAX_OPACITY * (0.25 + 0.75 * v);
      const o = (py * width + px) * 3;
      for (let ch = 0; ch < 3; ch++) out[o + ch] = Math.round(out[o + ch]! * (1 - a) + colour[ch]! * a);
    }
  }
  return sharp(out, { raw: { width, height, channels: 3 } }).png().toBuffer();
}
