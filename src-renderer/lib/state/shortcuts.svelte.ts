// Keyboard shortcuts as one derived list: the key handler runs the first entry that matches, and the help
// overlay (?) renders the same list, so the two cannot disagree. Each entry has a scope: grid keys act only while
// the grid has the focus, viewer keys while the viewer is open, review keys on the review stage; "app" keys act
// anywhere except while typing. Buttons, selects, checkboxes and fields keep their own keys.
import { toggleFullScreen } from '../utils/full-screen.js';
import { handleError } from '../utils/handle-error.js';
import type { StudioState, ViewName } from './studio-state.svelte.js';

export type ShortcutScope = 'app' | 'grid' | 'viewer' | 'review';

export interface Shortcut {
  /** as shown in the help overlay */
  keys: string;
  description: string;
  group: 'Everywhere' | 'Library grid' | 'Photo viewer' | 'Review';
  scope: ShortcutScope;
  /** app keys only: also acts while the focus is in a text field (Alt combinations have no meaning there) */
  inFields?: boolean;
  match(event: KeyboardEvent): boolean;
  run(event: KeyboardEvent): void;
}

const isMod = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;
const plain = (e: KeyboardEvent) => !e.ctrlKey && !e.metaKey && !e.altKey;
const digit = (e: KeyboardEvent): number | null => (/^Digit[1-9]$/.test(e.code) ? Number(e.code.slice(5)) : null);
const VIEW_KEYS: readonly ViewName[] = ['library', 'train', 'runs', 'review'];
const zoomInKey = (e: KeyboardEvent) => !e.altKey && (e.key === '+' || e.key === '=');
const zoomOutKey = (e: KeyboardEvent) => !e.altKey && (e.key === '-' || e.key === '_');
const zoomResetKey = (e: KeyboardEvent) => !e.altKey && (e.code === 'Digit0' || e.code === 'Numpad0');
/** Arrow keys pan a zoomed photo by this much */
const PAN_STEP_PX = 80;

export function buildShortcuts(studio: StudioState): Shortcut[] {
  const { selection, grid, labelKeys, library, review, pages, prefs, zoom } = studio;
  const classAtKey = (e: KeyboardEvent) => library.keyedClasses[(digit(e) ?? 0) - 1];
  const classNames = library.keyedClasses.map((c, i) => `${i + 1} ${c.name}`).join(', ');
  const moveCursorTo = (index: number, extend: boolean) => {
    if (grid.total === 0) return;
    const next = Math.max(0, Math.min(grid.total - 1, index));
    if (extend) void selection.extendTo(next);
    else selection.selectOnly(next);
    const top = grid.scrollTopToReveal(next);
    if (top !== null) grid.scrollTop = top;
    // a far move (End, PageDown) can land on a page not loaded yet: select its photo once it is
    if (!extend && !pages.photoAt(next)) void pages.ensurePhoto(next).then(() => { if (selection.cursor === next && selection.size === 0) selection.selectOnly(next); });
  };
  /** without a cursor yet, any move starts at the first photo */
  const moveCursor = (delta: number, extend: boolean) => moveCursorTo(selection.cursor < 0 ? 0 : selection.cursor + delta, extend);
  /** rows that fit on screen, for PageUp / PageDown */
  const pageRows = () => Math.max(1, Math.floor(grid.viewportHeight / grid.rowHeight));
  /** keys that resize thumbnails act in the library with the viewer closed (in the viewer they zoom the photo) */
  const inLibrary = () => studio.view === 'library' && studio.viewerIndex < 0;
  const fullScreen = () => toggleFullScreen(document.querySelector('[data-testid="photo-viewer"]'));
  const moveViewer = (delta: number) => {
    const next = studio.viewerIndex + delta;
    if (next >= 0 && next < grid.total) {
      studio.viewerIndex = next;
      selection.selectOnly(next);
    }
  };
  const toggleHeatmap = () => (studio.heatmapOn = !studio.heatmapOn);
  const undo = () => void (studio.view === 'review' ? review.undo() : labelKeys.undo());
  const redo = () => void (studio.view === 'review' ? review.redo() : labelKeys.redo());

  return [
    { keys: '?', description: 'Show or hide this help', group: 'Everywhere', scope: 'app', match: (e) => e.key === '?', run: () => (studio.helpOpen = !studio.helpOpen) },
    { keys: 'Alt+1…4', description: 'Library, Train, Runs, Review', group: 'Everywhere', scope: 'app', inFields: true, match: (e) => e.altKey && !isMod(e) && /^Digit[1-4]$/.test(e.code), run: (e) => studio.show(VIEW_KEYS[Number(e.code.slice(5)) - 1] ?? 'library') },
    { keys: 'U', description: 'Jump to the next unlabeled photo', group: 'Everywhere', scope: 'app', match: (e) => plain(e) && e.key.toLowerCase() === 'u', run: () => void labelKeys.jumpToNextUnlabeled() },
    { keys: 'Ctrl/Cmd+Z', description: 'Undo the last label change or removal (the cursor goes back to the photo)', group: 'Everywhere', scope: 'app', match: (e) => isMod(e) && !e.shiftKey && e.key.toLowerCase() === 'z', run: undo },
    { keys: 'Shift+Ctrl/Cmd+Z', description: 'Redo', group: 'Everywhere', scope: 'app', match: (e) => isMod(e) && e.shiftKey && e.key.toLowerCase() === 'z', run: redo },
    { keys: '/', description: 'Search file names (Enter or ↓ back to the grid, Esc clears)', group: 'Everywhere', scope: 'app', match: (e) => plain(e) && e.key === '/', run: () => studio.focusSearch() },

    { keys: 'Ctrl/Cmd + / −', description: 'Larger / smaller thumbnails', group: 'Library grid', scope: 'app', inFields: true, match: (e) => inLibrary() && isMod(e) && (zoomInKey(e) || zoomOutKey(e)), run: (e) => prefs.stepThumbSize(zoomInKey(e) ? 1 : -1) },
    { keys: 'Ctrl/Cmd+0', description: 'Thumbnails back to the default size', group: 'Library grid', scope: 'app', inFields: true, match: (e) => inLibrary() && isMod(e) && zoomResetKey(e), run: () => prefs.resetThumbSize() },
    { keys: 'P', description: 'Show or hide the model’s class, confidence and ✓/✗ on the tiles', group: 'Library grid', scope: 'app', match: (e) => inLibrary() && plain(e) && e.key.toLowerCase() === 'p', run: () => prefs.togglePredictions() },

    { keys: '1–9', description: classNames ? `Label the photo and go to the next unlabeled one; label a selection of several (${classNames})` : 'Label the photo (create classes first)', group: 'Library grid', scope: 'grid', match: (e) => plain(e) && digit(e) !== null, run: (e) => { const c = classAtKey(e); if (c) void labelKeys.labelCurrent(c.id); } },
    { keys: 'Shift+Delete', description: 'Remove the photo or the selection from the library (files stay on disk; Ctrl/Cmd+Z puts them back)', group: 'Library grid', scope: 'grid', match: (e) => e.shiftKey && !isMod(e) && !e.altKey && e.key === 'Delete', run: () => void studio.removals.remove({ photoIds: selection.targets() }) },
    { keys: 'Backspace', description: 'Clear the label of the photo or the selection', group: 'Library grid', scope: 'grid', match: (e) => plain(e) && (e.key === 'Backspace' || e.key === 'Delete'), run: () => void labelKeys.labelCurrent(null) },
    { keys: '← → ↑ ↓', description: 'Move (Shift extends the selection)', group: 'Library grid', scope: 'grid', match: (e) => !isMod(e) && !e.altKey && e.key.startsWith('Arrow'), run: (e) => moveCursor(e.key === 'ArrowLeft' ? -1 : e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' ? -grid.columns : grid.columns, e.shiftKey) },
    { keys: 'Home / End', description: 'First / last photo (Shift extends the selection)', group: 'Library grid', scope: 'grid', match: (e) => !e.altKey && (e.key === 'Home' || e.key === 'End'), run: (e) => moveCursorTo(e.key === 'Home' ? 0 : grid.total - 1, e.shiftKey) },
    { keys: 'PageUp / PageDown', description: 'A screenful up / down (Shift extends the selection)', group: 'Library grid', scope: 'grid', match: (e) => !isMod(e) && !e.altKey && (e.key === 'PageUp' || e.key === 'PageDown'), run: (e) => moveCursor((e.key === 'PageUp' ? -1 : 1) * pageRows() * grid.columns, e.shiftKey) },
    { keys: 'J / K', description: 'Next / previous photo', group: 'Library grid', scope: 'grid', match: (e) => plain(e) && (e.key === 'j' || e.key === 'k'), run: (e) => moveCursor(e.key === 'j' ? 1 : -1, false) },
    { keys: 'Ctrl/Cmd+A', description: 'Select every photo in the current filter', group: 'Library grid', scope: 'grid', match: (e) => isMod(e) && e.key.toLowerCase() === 'a', run: () => void selection.selectAll().catch((error: unknown) => handleError(error, 'Could not select all')) },
    { keys: 'Esc', description: 'Clear the selection', group: 'Library grid', scope: 'grid', match: (e) => e.key === 'Escape', run: () => selection.clear() },
    { keys: 'Enter / Space', description: 'Open the photo in the viewer', group: 'Library grid', scope: 'grid', match: (e) => plain(e) && (e.key === 'Enter' || e.key === ' '), run: () => studio.openViewer(selection.cursor) },

    { keys: '1–9', description: 'Label the photo and go to the next unlabeled one', group: 'Photo viewer', scope: 'viewer', match: (e) => plain(e) && digit(e) !== null, run: (e) => { const c = classAtKey(e); if (c) void labelKeys.labelCurrent(c.id); } },
    { keys: 'Backspace', description: 'Clear the label', group: 'Photo viewer', scope: 'viewer', match: (e) => plain(e) && (e.key === 'Backspace' || e.key === 'Delete'), run: () => void labelKeys.labelCurrent(null) },
    { keys: '+ / −', description: 'Zoom in / out (also Ctrl/Cmd + / −, or the mouse wheel)', group: 'Photo viewer', scope: 'viewer', match: (e) => zoomInKey(e) || zoomOutKey(e), run: (e) => (zoomInKey(e) ? zoom.zoomIn() : zoom.zoomOut()) },
    { keys: '0', description: 'Fit the photo to the window', group: 'Photo viewer', scope: 'viewer', match: (e) => zoomResetKey(e), run: () => zoom.fit() },
    { keys: 'Z', description: 'Actual pixels (1:1); again: fit', group: 'Photo viewer', scope: 'viewer', match: (e) => plain(e) && e.key.toLowerCase() === 'z', run: () => zoom.toggleActualPixels() },
    { keys: '← → ↑ ↓ (zoomed)', description: 'Move around a zoomed photo (or drag it)', group: 'Photo viewer', scope: 'viewer', match: (e) => zoom.pannable && !isMod(e) && !e.altKey && e.key.startsWith('Arrow'), run: (e) => zoom.pan(e.key === 'ArrowLeft' ? PAN_STEP_PX : e.key === 'ArrowRight' ? -PAN_STEP_PX : 0, e.key === 'ArrowUp' ? PAN_STEP_PX : e.key === 'ArrowDown' ? -PAN_STEP_PX : 0) },
    { keys: 'F', description: 'Full screen on / off', group: 'Photo viewer', scope: 'viewer', match: (e) => plain(e) && e.key.toLowerCase() === 'f', run: fullScreen },
    { keys: '← → / J K', description: 'Previous / next photo (J K also when zoomed)', group: 'Photo viewer', scope: 'viewer', match: (e) => plain(e) && ['ArrowLeft', 'ArrowRight', 'j', 'k'].includes(e.key), run: (e) => moveViewer(e.key === 'ArrowLeft' || e.key === 'k' ? -1 : 1) },
    { keys: 'H', description: 'Show or hide why the model chose its class (heatmap)', group: 'Photo viewer', scope: 'viewer', match: (e) => plain(e) && e.key.toLowerCase() === 'h', run: toggleHeatmap },
    { keys: 'Esc', description: 'Close the viewer', group: 'Photo viewer', scope: 'viewer', match: (e) => e.key === 'Escape', run: () => studio.closeViewer() },

    { keys: '1–9', description: 'This class is right (the model’s class or another one): label it so', group: 'Review', scope: 'review', match: (e) => plain(e) && digit(e) !== null, run: (e) => { const c = classAtKey(e); if (c) void review.resolve('relabel', c.id); } },
    { keys: 'K', description: 'My label is right: keep it (counts as kept)', group: 'Review', scope: 'review', match: (e) => plain(e) && e.key.toLowerCase() === 'k', run: () => void review.resolve('keep') },
    { keys: 'X', description: 'Exclude the photo from training', group: 'Review', scope: 'review', match: (e) => plain(e) && e.key.toLowerCase() === 'x', run: () => void review.resolve('exclude') },
    { keys: 'H', description: 'Show or hide why the model chose its class (heatmap)', group: 'Review', scope: 'review', match: (e) => plain(e) && e.key.toLowerCase() === 'h', run: toggleHeatmap },
    { keys: '← →', description: 'Previous / next item without deciding', group: 'Review', scope: 'review', match: (e) => plain(e) && (e.key === 'ArrowLeft' || e.key === 'ArrowRight'), run: (e) => review.move(e.key === 'ArrowLeft' ? -1 : 1) },
  ];
}

/** Fields where keys type text: shortcuts stay out of the way (checkboxes, radios and buttons are not fields). */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  if (target.tagName !== 'INPUT') return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes((target as HTMLInputElement).type);
}

/** Which shortcut scope a key press falls in, from where the focus is. */
export function scopeOf(target: EventTarget | null, studio: StudioState): ShortcutScope | null {
  if (studio.viewerIndex >= 0) return 'viewer';
  const element = target instanceof Element ? target : null;
  if (studio.view === 'library' && element?.closest('[role="grid"]')) return 'grid';
  if (studio.view === 'review' && (element === null || element === document.body || element.closest('[data-review-stage]'))) return 'review';
  return null;
}

/** The shortcut a key press runs, if any. */
export function shortcutFor(event: KeyboardEvent, shortcuts: readonly Shortcut[], studio: StudioState): Shortcut | undefined {
  const typing = isTextField(event.target);
  const scope = typing ? null : scopeOf(event.target, studio);
  return shortcuts.find((s) => (s.scope === 'app' ? !typing || s.inFields === true : s.scope === scope) && s.match(event));
}
