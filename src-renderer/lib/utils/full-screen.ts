// Full screen on / off for an element through the Fullscreen API (F in the viewer, and its button).
import { handleError } from './handle-error.js';

export function toggleFullScreen(element: Element | null | undefined): void {
  if (document.fullscreenElement) void document.exitFullscreen();
  else if (element) element.requestFullscreen().catch((error: unknown) => handleError(error, 'Full screen is not available'));
}
