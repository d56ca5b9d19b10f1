// Keyboard shortcuts as one derived list: the key handler runs the first entry that matches, and the help
// overlay (?) renders the same list, so the two cannot disagree.
import { handleError } from '../utils/handle-error.js';
import type { StudioState, ViewName } from './studio-state.svelte.js';

export interface Shortcut {
  /** as shown in the help overlay */
  keys: string;
  description: string;
  group: 'Everywhere' | 'Library' | 'Photo viewer' | 'Review';
  /** views where it is active; undefined = everywhere */
  views?: readonly ViewName[];
  /** only while the viewer is open (true) / closed (false); undefined = either */
  viewer?: boolean;
  match(event: KeyboardEvent): boolean;
  run(event: KeyboardEvent): void;
}

const isMod = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;
const plain = (e: KeyboardEvent) => !e.ctrlKey && !e.metaKey && !e.altKey;
const digit = (e: KeyboardEvent): number | null => (/^Digit[1-9]$/.test(e.code) ? Number(e.code.slice(5)) : null);

export function buildShortcuts(studio: StudioState): Shortcut[] {
  const { selection, grid, pages, labeling, library, review } = studio;
  const classAtKey = (e: KeyboardEvent) => library.keyedClasses[(digit(e) ?? 0) - 1];
  const labelTargets = () => (studio.viewerIndex >= 0 ? [pages.photoAt(studio.viewerIndex)?.id].filter((id): id is number => id !== undefined) : selection.targets());
  const moveCursor = (delta: number, extend: boolean) => {
    if (grid.total === 0) return;
    const next = Math.max(0, Math.min(grid.total - 1, (selection.cursor < 0 ? -delta : selection.cursor) + delta));
    if (extend) void selection.extendTo(next);
    else selection.selectOnly(next);
    const top = grid.scrollTopToReveal(next);
    if (top !== null) grid.scrollTop = top;
  };
  const moveViewer = (delta: number) => {
    const next = studio.viewerIndex + delta;
    if (next >= 0 && next < grid.total) {
      studio.viewerIndex = next;
      selection.selectOnly(next);
    }
  };
  const library_: readonly ViewName[] = ['library'];
  const reviewOnly: readonly ViewName[] = ['review'];
  const classNames = library.keyedClasses.map((c, i) => `${i + 1} ${c.name}`).join(', ');

  return [
    { keys: '?', description: 'Show or hide this help', group: 'Everywhere', match: (e) => e.key === '?', run: () => (studio.helpOpen = !studio.helpOpen) },
    { keys: 'Alt+1…4', description: 'Library, Train, Runs, Review', group: 'Everywhere', match: (e) => e.altKey && /^Digit[1-4]$/.test(e.code), run: (e) => studio.show((['library', 'train', 'runs', 'review'] as const)[Number(e.code.slice(5)) - 1] ?? 'library') },
    { keys: 'Ctrl/Cmd+Z', description: 'Undo the last label change', group: 'Everywhere', match: (e) => isMod(e) && !e.shiftKey && e.key.toLowerCase() === 'z', run: () => void labeling.undo() },
    { keys: 'Shift+Ctrl/Cmd+Z', description: 'Redo', group: 'Everywhere', match: (e) => isMod(e) && e.shiftKey && e.key.toLowerCase() === 'z', run: () => void labeling.redo() },

    { keys: '1–9', description: classNames ? `Give the selection a class (${classNames})` : 'Give the selection a class (create classes first)', group: 'Library', views: library_, match: (e) => plain(e) && digit(e) !== null, run: (e) => { const c = classAtKey(e); if (c) void labeling.setLabel(labelTargets(), c.id); } },
    { keys: 'Backspace', description: 'Clear the label of the selection', group: 'Library', views: library_, match: (e) => plain(e) && (e.key === 'Backspace' || e.key === 'Delete'), run: () => void labeling.setLabel(labelTargets(), null) },
    { keys: '← → ↑ ↓', description: 'Move (Shift extends the selection)', group: 'Library', views: library_, viewer: false, match: (e) => !isMod(e) && e.key.startsWith('Arrow'), run: (e) => moveCursor(e.key === 'ArrowLeft' ? -1 : e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' ? -grid.columns : grid.columns, e.shiftKey) },
    { keys: 'J / K', description: 'Next / previous photo', group: 'Library', views: library_, viewer: false, match: (e) => plain(e) && (e.key === 'j' || e.key === 'k'), run: (e) => moveCursor(e.key === 'j' ? 1 : -1, false) },
    { keys: 'Ctrl/Cmd+A', description: 'Select every photo in the current filter', group: 'Library', views: library_, viewer: false, match: (e) => isMod(e) && e.key.toLowerCase() === 'a', run: () => void selection.selectAll().catch((error: unknown) => handleError(error, 'Could not select all')) },
    { keys: 'Esc', description: 'Clear the selection', group: 'Library', views: library_, viewer: false, match: (e) => e.key === 'Escape', run: () => selection.clear() },
    { keys: 'Enter / Space', description: 'Open the photo in the viewer', group: 'Library', views: library_, viewer: false, match: (e) => plain(e) && (e.key === 'Enter' || e.key === ' '), run: () => studio.openViewer(selection.cursor) },

    { keys: '← → / J K', description: 'Previous / next photo', group: 'Photo viewer', views: library_, viewer: true, match: (e) => plain(e) && ['ArrowLeft', 'ArrowRight', 'j', 'k'].includes(e.key), run: (e) => moveViewer(e.key === 'ArrowLeft' || e.key === 'k' ? -1 : 1) },
    { keys: 'Esc', description: 'Close the viewer', group: 'Photo viewer', views: library_, viewer: true, match: (e) => e.key === 'Escape', run: () => (studio.viewerIndex = -1) },

    { keys: 'A', description: "Accept the model's class", group: 'Review', views: reviewOnly, match: (e) => plain(e) && e.key === 'a', run: () => void review.resolve('accept') },
    { keys: 'K', description: 'Keep the label (mark reviewed)', group: 'Review', views: reviewOnly, match: (e) => plain(e) && e.key === 'k', run: () => void review.resolve('keep') },
    { keys: '1–9', description: 'Choose another class', group: 'Review', views: reviewOnly, match: (e) => plain(e) && digit(e) !== null, run: (e) => { const c = classAtKey(e); if (c) void review.resolve('relabel', c.id); } },
    { keys: 'X', description: 'Exclude the photo from training', group: 'Review', views: reviewOnly, match: (e) => plain(e) && e.key === 'x', run: () => void review.resolve('exclude') },
    { keys: '← →', description: 'Previous / next item without deciding', group: 'Review', views: reviewOnly, match: (e) => plain(e) && (e.key === 'ArrowLeft' || e.key === 'ArrowRight'), run: (e) => review.move(e.key === 'ArrowLeft' ? -1 : 1) },
  ];
}

export function isActive(shortcut: Shortcut, studio: StudioState): boolean {
  if (shortcut.views && !shortcut.views.includes(studio.view)) return false;
  if (shortcut.viewer !== undefined && shortcut.viewer !== studio.viewerIndex >= 0) return false;
  return true;
}

/** True when typing into a field: shortcuts stay out of the way. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
