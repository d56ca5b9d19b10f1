// Which photos are selected in the grid (by id, so selections survive paging) plus the keyboard cursor and the
// anchor a Shift-click range starts from.
import { SvelteSet } from 'svelte/reactivity';
import type { PhotoPages } from './photo-pages.svelte.js';

export class Selection {
  readonly ids = new SvelteSet<number>();
  /** Grid index of the focused cell (keyboard cursor); -1 when none. */
  cursor = $state(-1);
  #anchor = -1;
  #selectAll: AbortController | null = null;
  readonly #pages: PhotoPages;

  readonly size = $derived(this.ids.size);

  constructor(pages: PhotoPages) {
    this.#pages = pages;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  /** Plain click or arrow key: only this photo. */
  selectOnly(index: number): void {
    this.#cancelSelectAll();
    this.ids.clear();
    const photo = this.#pages.photoAt(index);
    if (photo) this.ids.add(photo.id);
    this.cursor = index;
    this.#anchor = index;
  }

  /** Ctrl/Cmd-click. */
  toggle(index: number): void {
    const photo = this.#pages.photoAt(index);
    if (!photo) return;
    if (this.ids.has(photo.id)) this.ids.delete(photo.id);
    else this.ids.add(photo.id);
    this.cursor = index;
    this.#anchor = index;
  }

  /** Shift-click or Shift+arrow: from the anchor to here, replacing the selection (loads pages between if needed). */
  async extendTo(index: number): Promise<void> {
    const anchor = this.#anchor < 0 ? index : this.#anchor;
    this.cursor = index;
    const ids = await this.#pages.idsInRange(Math.min(anchor, index), Math.max(anchor, index) + 1);
    this.ids.clear();
    for (const id of ids) this.ids.add(id);
  }

  /** Rubber band: the cells it touches, added to what was selected when the drag began. */
  setBand(base: readonly number[], indices: readonly number[]): void {
    this.ids.clear();
    for (const id of base) this.ids.add(id);
    for (const index of indices) {
      const photo = this.#pages.photoAt(index);
      if (photo) this.ids.add(photo.id);
    }
    const last = indices.at(-1);
    if (last !== undefined) this.cursor = last;
  }

  /** Ctrl/Cmd+A: every photo in the current filter, fetched as ids in pages; a second call or clear cancels it. */
  async selectAll(): Promise<void> {
    this.#cancelSelectAll();
    const controller = new AbortController();
    this.#selectAll = controller;
    const ids = await this.#pages.allIds(controller.signal);
    if (controller.signal.aborted) return;
    this.ids.clear();
    for (const id of ids) this.ids.add(id);
    this.#selectAll = null;
  }

  clear(): void {
    this.#cancelSelectAll();
    this.ids.clear();
    this.#anchor = this.cursor;
  }

  /** The photos a labeling key acts on: the selection, else the photo under the cursor. */
  targets(): number[] {
    if (this.ids.size > 0) return [...this.ids];
    const photo = this.cursor >= 0 ? this.#pages.photoAt(this.cursor) : undefined;
    return photo ? [photo.id] : [];
  }

  reset(): void {
    this.clear();
    this.cursor = -1;
    this.#anchor = -1;
  }

  #cancelSelectAll(): void {
    this.#selectAll?.abort();
    this.#selectAll = null;
  }
}
