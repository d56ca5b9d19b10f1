// Viewer zoom and pan as plain arithmetic: the scale is in CSS pixels per original pixel (1 = actual pixels),
// "fit" shows the whole photo as large as the stage allows (small photos are enlarged), and the pan keeps the
// photo covering the stage (or centred on an axis where it is smaller than the stage).

export const ZOOM_STEP = 1.25;
export const MIN_SCALE = 0.05;
/** 64 CSS px per original pixel: an 8×8 photo fills 512 px */
export const MAX_SCALE = 64;

export interface Size {
  width: number;
  height: number;
}

export interface ZoomView {
  /** null: fit to the stage */
  scale: number | null;
  /** offset of the photo's centre from the stage's centre, in CSS px */
  panX: number;
  panY: number;
}

export const FIT: ZoomView = { scale: null, panX: 0, panY: 0 };

export function fitScale(photo: Size, stage: Size): number {
  if (photo.width <= 0 || photo.height <= 0 || stage.width <= 0 || stage.height <= 0) return 1;
  return Math.min(stage.width / photo.width, stage.height / photo.height);
}

export function effectiveScale(view: ZoomView, photo: Size, stage: Size): number {
  return view.scale ?? fitScale(photo, stage);
}

const clampScale = (scale: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));

/** Keeps the photo over the stage: it cannot be dragged away beyond its edges. */
export function clampPan(view: ZoomView, photo: Size, stage: Size): ZoomView {
  const scale = effectiveScale(view, photo, stage);
  const limitX = Math.max(0, (photo.width * scale - stage.width) / 2);
  const limitY = Math.max(0, (photo.height * scale - stage.height) / 2);
  return { scale: view.scale, panX: Math.min(limitX, Math.max(-limitX, view.panX)), panY: Math.min(limitY, Math.max(-limitY, view.panY)) };
}

/** Zooms to `scale`, keeping the photo point under `at` (stage coordinates from its centre; default the centre) still. */
export function zoomTo(view: ZoomView, scale: number, photo: Size, stage: Size, at: { x: number; y: number } = { x: 0, y: 0 }): ZoomView {
  const from = effectiveScale(view, photo, stage);
  const to = clampScale(scale);
  const ratio = to / from;
  return clampPan({ scale: to, panX: at.x - (at.x - view.panX) * ratio, panY: at.y - (at.y - view.panY) * ratio }, photo, stage);
}

/** One step in (+1) or out (−1); a step that crosses actual pixels stops there, so 1:1 is always one of the stops. */
export function zoomStep(view: ZoomView, direction: 1 | -1, photo: Size, stage: Size, at?: { x: number; y: number }): ZoomView {
  const from = effectiveScale(view, photo, stage);
  let to = direction > 0 ? from * ZOOM_STEP : from / ZOOM_STEP;
  if ((from < 1 && to > 1) || (from > 1 && to < 1)) to = 1;
  return zoomTo(view, to, photo, stage, at);
}

export function panBy(view: ZoomView, dx: number, dy: number, photo: Size, stage: Size): ZoomView {
  return clampPan({ ...view, panX: view.panX + dx, panY: view.panY + dy }, photo, stage);
}

/** True when the photo is larger than the stage on some axis, so arrows and drags pan instead of moving on. */
export function canPan(view: ZoomView, photo: Size, stage: Size): boolean {
  const scale = effectiveScale(view, photo, stage);
  return photo.width * scale > stage.width + 0.5 || photo.height * scale > stage.height + 0.5;
}
