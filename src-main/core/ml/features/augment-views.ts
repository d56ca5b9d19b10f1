// Deterministic augmentation "views" of the 224 px model input (flip, rotation, zoom, shift, shear, brightness,
// contrast). A view is named by its parameters ('flip|rot+10|zoom1.1'), so features of a view can be cached.
import { StudioError } from '../../../api/errors.js';
import { createRandom } from './seeded-random.js';

/** RGB, row-major, interleaved, values 0–255 (floats, so photometric changes do not quantise). */
export interface FloatRgbImage {
  data: Float32Array;
  width: number;
  height: number;
}

export const ORIGINAL_VIEW = 'original';
/** The photo flipped left–right: extra training rows and test-time augmentation when a run's `mirror` is on. */
export const MIRROR_VIEW = 'flip';
const CHANNELS = 3;
const MAX_PIXEL = 255;

export type ViewOp =
  | { op: 'flip' }
  | { op: 'rot'; degrees: number }
  | { op: 'zoom'; factor: number }
  | { op: 'shift'; x: number; y: number }
  | { op: 'shear'; degrees: number }
  | { op: 'bright'; delta: number }
  | { op: 'contrast'; factor: number };

function signed(value: number): string {
  return value >= 0 ? `+${value}` : String(value);
}

/** Rounds to 4 decimals so names are short and the same view always gets the same name. */
function tidy(value: number): number {
  const rounded = Math.round(value * 1e4) / 1e4;
  return Object.is(rounded, -0) ? 0 : rounded;
}

function formatOp(op: ViewOp): string {
  switch (op.op) {
    case 'flip':
      return 'flip';
    case 'rot':
      return `rot${signed(op.degrees)}`;
    case 'zoom':
      return `zoom${op.factor}`;
    case 'shift':
      return `shift${signed(op.x)},${signed(op.y)}`;
    case 'shear':
      return `shear${signed(op.degrees)}`;
    case 'bright':
      return `bright${signed(op.delta)}`;
    case 'contrast':
      return `contrast${op.factor}`;
  }
}

const NUMBER = '([+-]?\\d+(?:\\.\\d+)?)';
const SIGNED = '([+-]\\d+(?:\\.\\d+)?)';
const PATTERNS: Array<[RegExp, (m: RegExpExecArray) => ViewOp]> = [
  [/^flip$/, () => ({ op: 'flip' })],
  [new RegExp(`^rot${SIGNED}$`), (m) => ({ op: 'rot', degrees: Number(m[1]) })],
  [new RegExp(`^zoom${NUMBER}$`), (m) => ({ op: 'zoom', factor: Number(m[1]) })],
  [new RegExp(`^shift${SIGNED},${SIGNED}$`), (m) => ({ op: 'shift', x: Number(m[1]), y: Number(m[2]) })],
  [new RegExp(`^shear${SIGNED}$`), (m) => ({ op: 'shear', degrees: Number(m[1]) })],
  [new RegExp(`^bright${SIGNED}$`), (m) => ({ op: 'bright', delta: Number(m[1]) })],
  [new RegExp(`^contrast${NUMBER}$`), (m) => ({ op: 'contrast', factor: Number(m[1]) })],
];

function checkOp(op: ViewOp, token: string): ViewOp {
  const bad = (expected: string): never => {
    throw new StudioError('INVALID_INPUT', `Augmentation view '${token}': expected ${expected}`);
  };
  if (op.op === 'rot' && Math.abs(op.degrees) > 180) bad('a rotation within ±180 degrees');
  if (op.op === 'zoom' && !(op.factor >= 0.5 && op.factor <= 2)) bad('a zoom factor from 0.5 to 2');
  if (op.op === 'shift' && (Math.abs(op.x) > 0.5 || Math.abs(op.y) > 0.5)) bad('shifts within ±0.5 of the size');
  if (op.op === 'shear' && Math.abs(op.degrees) > 45) bad('a shear within ±45 degrees');
  if (op.op === 'bright' && Math.abs(op.delta) > 1) bad('a brightness change within ±1');
  if (op.op === 'contrast' && !(op.factor >= 0 && op.factor <= 3)) bad('a contrast factor from 0 to 3');
  return op;
}

/** 'original' → []; 'flip|rot+10' → [{flip}, {rot 10}]. Unknown tokens are INVALID_INPUT. */
export function parseView(name: string): ViewOp[] {
  if (name === ORIGINAL_VIEW) return [];
  return name.split('|').map((token) => {
    for (const [pattern, build] of PATTERNS) {
      const match = pattern.exec(token);
      if (match) return checkOp(build(match), token);
    }
    throw new StudioError(
      'INVALID_INPUT',
      `Augmentation view: expected 'original' or tokens like flip, rot+10, zoom1.1, shift+0.1,-0.05, shear+5, bright-0.1, contrast1.2 joined by '|', received '${token}' in '${name}'`,
    );
  });
}

function isIdentity(op: ViewOp): boolean {
  switch (op.op) {
    case 'flip':
      return false;
    case 'rot':
    case 'shear':
      return op.degrees === 0;
    case 'zoom':
    case 'contrast':
      return op.factor === 1;
    case 'shift':
      return op.x === 0 && op.y === 0;
    case 'bright':
      return op.delta === 0;
  }
}

/** The one name of a view: identity ops dropped, numbers tidied; [] → 'original'. */
export function formatView(ops: readonly ViewOp[]): string {
  const kept = ops
    .map((op): ViewOp => {
      switch (op.op) {
        case 'rot':
        case 'shear':
          return { op: op.op, degrees: tidy(op.degrees) };
        case 'zoom':
        case 'contrast':
          return { op: op.op, factor: tidy(op.factor) };
        case 'shift':
          return { op: 'shift', x: tidy(op.x), y: tidy(op.y) };
        case 'bright':
          return { op: 'bright', delta: tidy(op.delta) };
        case 'flip':
          return op;
      }
    })
    .filter((op) => !isIdentity(op));
  return kept.length === 0 ? ORIGINAL_VIEW : kept.map(formatOp).join('|');
}

export function canonicalView(name: string): string {
  return formatView(parseView(name));
}

export function flipHorizontal(image: FloatRgbImage): FloatRgbImage {
  const { width, height, data } = image;
  const out = new Float32Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * CHANNELS;
    for (let x = 0; x < width; x++) {
      const from = row + x * CHANNELS;
      const to = row + (width - 1 - x) * CHANNELS;
      out[to] = data[from]!;
      out[to + 1] = data[from + 1]!;
      out[to + 2] = data[from + 2]!;
    }
  }
  return { width, height, data: out };
}

/** 2×2 matrix mapping an output offset from the centre to an input offset, plus an input translation (pixels). */
interface InverseAffine {
  a: number;
  b: number;
  c: number;
  d: number;
  tx: number;
  ty: number;
}

/** Keras 'reflect' fill: (d c b a | a b c d | d c b a), on pixel-centre coordinates. */
function reflect(coord: number, size: number): number {
  const period = 2 * size;
  let t = (coord + 0.5) % period;
  if (t < 0) t += period;
  const mirrored = t < size ? t : period - t;
  return Math.min(Math.max(mirrored - 0.5, 0), size - 1);
}

/** Bilinear sampling with reflected borders; integer source coordinates reproduce pixels exactly. */
function warp(image: FloatRgbImage, m: InverseAffine): FloatRgbImage {
  const { width, height, data } = image;
  const out = new Float32Array(data.length);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  for (let y = 0; y < height; y++) {
    const dy = y - cy;
    for (let x = 0; x < width; x++) {
      const dx = x - cx;
      const sx = reflect(m.a * dx + m.b * dy + cx + m.tx, width);
      const sy = reflect(m.c * dx + m.d * dy + cy + m.ty, height);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(x0 + 1, width - 1);
      const y1 = Math.min(y0 + 1, height - 1);
      const fx = sx - x0;
      const fy = sy - y0;
      const i00 = (y0 * width + x0) * CHANNELS;
      const i01 = (y0 * width + x1) * CHANNELS;
      const i10 = (y1 * width + x0) * CHANNELS;
      const i11 = (y1 * width + x1) * CHANNELS;
      const o = (y * width + x) * CHANNELS;
      for (let ch = 0; ch < CHANNELS; ch++) {
        const top = data[i00 + ch]! + (data[i01 + ch]! - data[i00 + ch]!) * fx;
        const bottom = data[i10 + ch]! + (data[i11 + ch]! - data[i10 + ch]!) * fx;
        out[o + ch] = top + (bottom - top) * fy;
      }
    }
  }
  return { width, height, data: out };
}

/** Rotates counter-clockwise by `degrees` about the centre (as Keras RandomRotation with fill_mode 'reflect'). */
export function rotate(image: FloatRgbImage, degrees: number): FloatRgbImage {
  const r = (degrees * Math.PI) / 180;
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  return warp(image, { a: cos, b: -sin, c: sin, d: cos, tx: 0, ty: 0 });
}

/** factor > 1 zooms in (shows the central 1/factor of the picture). */
export function zoom(image: FloatRgbImage, factor: number): FloatRgbImage {
  return warp(image, { a: 1 / factor, b: 0, c: 0, d: 1 / factor, tx: 0, ty: 0 });
}

/** Moves the content right by x·width and down by y·height. */
export function shift(image: FloatRgbImage, x: number, y: number): FloatRgbImage {
  return warp(image, { a: 1, b: 0, c: 0, d: 1, tx: -x * image.width, ty: -y * image.height });
}

/** Horizontal shear by `degrees` (Keras ImageDataGenerator shear_range is also in degrees). */
export function shear(image: FloatRgbImage, degrees: number): FloatRgbImage {
  return warp(image, { a: 1, b: Math.tan((degrees * Math.PI) / 180), c: 0, d: 1, tx: 0, ty: 0 });
}

/** Adds delta·255 to every channel, clamped to 0–255. */
export function adjustBrightness(image: FloatRgbImage, delta: number): FloatRgbImage {
  const out = new Float32Array(image.data.length);
  const add = delta * MAX_PIXEL;
  for (let i = 0; i < out.length; i++) out[i] = Math.min(Math.max(image.data[i]! + add, 0), MAX_PIXEL);
  return { width: image.width, height: image.height, data: out };
}

/** Scales each channel's distance from its mean by `factor` (as tf.image.adjust_contrast), clamped to 0–255. */
export function adjustContrast(image: FloatRgbImage, factor: number): FloatRgbImage {
  const { data } = image;
  const pixels = data.length / CHANNELS;
  const means = [0, 0, 0];
  for (let i = 0; i < data.length; i++) means[i % CHANNELS]! += data[i]!;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const mean = means[i % CHANNELS]! / pixels;
    out[i] = factor === 1 ? data[i]! : Math.min(Math.max(mean + (data[i]! - mean) * factor, 0), MAX_PIXEL);
  }
  return { width: image.width, height: image.height, data: out };
}

function applyOp(image: FloatRgbImage, op: ViewOp): FloatRgbImage {
  switch (op.op) {
    case 'flip':
      return flipHorizontal(image);
    case 'rot':
      return rotate(image, op.degrees);
    case 'zoom':
      return zoom(image, op.factor);
    case 'shift':
      return shift(image, op.x, op.y);
    case 'shear':
      return shear(image, op.degrees);
    case 'bright':
      return adjustBrightness(image, op.delta);
    case 'contrast':
      return adjustContrast(image, op.factor);
  }
}

/** Applies a named view's ops in order. 'original' returns the image itself. */
export function applyView(image: FloatRgbImage, view: string): FloatRgbImage {
  return parseView(view).reduce(applyOp, image);
}

export interface ViewSetOptions {
  /** how many augmented views besides 'original' */
  count: number;
  seed: number;
  flip?: boolean;
  /** maximum rotation either way, degrees (Keras RandomRotation(0.1) ≈ 36°; the reference recipe uses 0.2 of 180°) */
  rotationDeg?: number;
  /** maximum zoom in or out, as a fraction (0.1 → 0.9–1.1) */
  zoom?: number;
  /** maximum shift either way, as a fraction of the size */
  shift?: number;
  shearDeg?: number;
  brightness?: number;
  contrast?: number;
}


/**
 * 'original' plus `count` distinct random views drawn from the ranges given, parameters quantised
 * (whole degrees, 0.05 steps) so that runs with the same settings reuse cached features.
 */
export function makeViewSet(options: ViewSetOptions): string[] {
  // seeded: the same seed always yields the same view names, so their features stay cached
  const random = createRandom(options.seed);
  const between = (max: number, step: number) => Math.round(((random() * 2 - 1) * max) / step) * step;
  const views = new Set<string>([ORIGINAL_VIEW]);
  for (let attempt = 0; views.size < options.count + 1 && attempt < options.count * 20; attempt++) {
    const ops: ViewOp[] = [];
    if (options.flip && random() < 0.5) ops.push({ op: 'flip' });
    if (options.rotationDeg) ops.push({ op: 'rot', degrees: between(options.rotationDeg, 1) });
    if (options.zoom) ops.push({ op: 'zoom', factor: 1 + between(options.zoom, 0.05) });
    if (options.shift) ops.push({ op: 'shift', x: between(options.shift, 0.05), y: between(options.shift, 0.05) });
    if (options.shearDeg) ops.push({ op: 'shear', degrees: between(options.shearDeg, 1) });
    if (options.brightness) ops.push({ op: 'bright', delta: between(options.brightness, 0.05) });
    if (options.contrast) ops.push({ op: 'contrast', factor: 1 + between(options.contrast, 0.05) });
    views.add(formatView(ops));
  }
  return [...views];
}
