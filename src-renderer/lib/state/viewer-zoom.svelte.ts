// Zoom and pan of the photo viewer (keys, wheel, drag): the stage and photo sizes it works in, and the view
// (fit, or a scale in CSS px per original pixel, plus a pan). The arithmetic lives in utils/zoom-view.ts.
import { FIT, canPan, clampPan, effectiveScale, panBy, zoomStep, zoomTo, type Size, type ZoomView } from '../utils/zoom-view.js';

export class ViewerZoom {
  view = $state.raw<ZoomView>(FIT);
  /** the photo's upright size in original pixels (0 until known) */
  photo = $state.raw<Size>({ width: 0, height: 0 });
  stage = $state.raw<Size>({ width: 0, height: 0 });

  readonly scale = $derived(effectiveScale(this.view, this.photo, this.stage));
  readonly pannable = $derived(canPan(this.view, this.photo, this.stage));
  readonly isFit = $derived(this.view.scale === null);

  /** A new photo starts fitted. */
  reset(photo: Size): void {
    this.photo = photo;
    this.view = FIT;
  }

  setStage(stage: Size): void {
    this.stage = stage;
    this.view = clampPan(this.view, this.photo, stage);
  }

  zoomIn(at?: { x: number; y: number }): void {
    this.view = zoomStep(this.view, 1, this.photo, this.stage, at);
  }

  zoomOut(at?: { x: number; y: number }): void {
    this.view = zoomStep(this.view, -1, this.photo, this.stage, at);
  }

  /** Wheel zoom: a continuous factor about the pointer. */
  zoomBy(factor: number, at: { x: number; y: number }): void {
    this.view = zoomTo(this.view, this.scale * factor, this.photo, this.stage, at);
  }

  fit(): void {
    this.view = FIT;
  }

  actualPixels(): void {
    this.view = zoomTo(this.view, 1, this.photo, this.stage);
  }

  /** Z: actual pixels, or back to fit when already there. */
  toggleActualPixels(): void {
    if (this.view.scale === 1) this.fit();
    else this.actualPixels();
  }

  pan(dx: number, dy: number): void {
    this.view = panBy(this.view, dx, dy, this.photo, this.stage);
  }
}
