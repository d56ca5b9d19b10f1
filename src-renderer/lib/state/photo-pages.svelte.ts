// The photos of the current filter, fetched page by page on demand: only pages near the visible window are
// requested, at most two at a time; a query change or a scroll away aborts requests that are no longer wanted,
// and answers to an older query are discarded. Unloaded cells render as placeholders of the same size.
import type { MethodRequest } from '../../../src-main/api/contract.js';
import type { Photo } from '../../../src-main/api/schemas.js';
import type { StudioClient } from '../api/studio-client.js';
import { handleError } from '../utils/handle-error.js';

export const PAGE_SIZE = 200;
const MAX_IN_FLIGHT = 2;
/** photos.list accepts at most this many per call; used when collecting ids for select-all. */
const ID_PAGE_SIZE = 10_000;

export type PhotoFilter = Omit<MethodRequest<'photos.list'>, 'limit' | 'offset'>;

export class PhotoPages {
  /** null until the first page of the current query answers. */
  total = $state<number | null>(null);
  filter = $state.raw<PhotoFilter>({ sort: 'name', descending: false });
  /** Bumped whenever a page lands or photos are patched; readers of photoAt depend on it. */
  version = $state(0);

  readonly #client: StudioClient;
  #pages = new Map<number, Photo[]>();
  #stale = new Set<number>();
  /** Pages being fetched for the visible window, each with the controller that aborts its request. */
  #inFlight = new Map<number, AbortController>();
  #queue: number[] = [];
  #wanted = new Set<number>();
  #generation = 0;
  /** the range the grid last asked for, re-requested after a refresh */
  #range = { start: 0, end: PAGE_SIZE };

  constructor(client: StudioClient) {
    this.#client = client;
  }

  get loading(): boolean {
    return this.total === null;
  }

  setFilter(filter: PhotoFilter): void {
    this.filter = filter;
    this.#reset(false);
  }

  /** Re-fetches with the same filter; pages on screen stay visible until their fresh copy arrives. */
  refresh(): void {
    this.#reset(true);
  }

  photoAt(index: number): Photo | undefined {
    void this.version;
    return this.#pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  indexOf(photoId: number): number {
    for (const [page, items] of this.#pages) {
      const at = items.findIndex((photo) => photo?.id === photoId);
      if (at >= 0) return page * PAGE_SIZE + at;
    }
    return -1;
  }

  /** Makes sure the pages covering [start, end) are loaded or on their way; forgets queued pages out of range
   *  and aborts the requests of in-flight ones, freeing their slots for the pages now on screen. */
  ensureRange(start: number, end: number): void {
    this.#range = { start, end };
    const firstPage = Math.floor(start / PAGE_SIZE);
    const lastPage = Math.floor(Math.max(start, end - 1) / PAGE_SIZE);
    this.#wanted = new Set();
    for (let page = firstPage; page <= lastPage; page++) this.#wanted.add(page);
    this.#queue = this.#queue.filter((page) => this.#wanted.has(page));
    for (const [page, controller] of this.#inFlight) {
      if (this.#wanted.has(page)) continue;
      controller.abort();
      this.#inFlight.delete(page);
    }
    for (const page of this.#wanted) {
      const needed = !this.#pages.has(page) || this.#stale.has(page);
      if (needed && !this.#inFlight.has(page) && !this.#queue.includes(page)) this.#queue.push(page);
    }
    this.#pump();
  }

  /** Applies a committed label change to the cached copies, so cells update without a refetch. */
  patchLabels(photoIds: readonly number[], classId: number | null, className: string | null): void {
    const ids = new Set(photoIds);
    for (const items of this.#pages.values()) {
      items.forEach((photo, i) => {
        if (ids.has(photo.id)) items[i] = { ...photo, classId, className };
      });
    }
    this.version++;
  }

  /** Takes photos that left the filter (a label change) out of the cached list: later photos move up one place
   *  per photo removed, the total drops, and the pages from the first change on are fetched again. Returns how
   *  many were removed from loaded pages. */
  removePhotos(photoIds: readonly number[]): number {
    const gone = new Set(photoIds);
    const removedAt: number[] = [];
    for (const [page, items] of this.#pages) {
      items.forEach((photo, i) => {
        if (photo && gone.has(photo.id)) removedAt.push(page * PAGE_SIZE + i);
      });
    }
    if (removedAt.length === 0) {
      // none on a loaded page: where they sat is unknown, so every page is fetched again
      this.#refetchFrom(0);
      return 0;
    }
    removedAt.sort((a, b) => a - b);
    const moved = new Map<number, Photo[]>();
    let removedBefore = 0;
    for (const page of [...this.#pages.keys()].sort((a, b) => a - b)) {
      this.#pages.get(page)!.forEach((photo, i) => {
        if (!photo || gone.has(photo.id)) return;
        const index = page * PAGE_SIZE + i;
        while (removedBefore < removedAt.length && removedAt[removedBefore]! < index) removedBefore++;
        const target = index - removedBefore;
        const targetPage = Math.floor(target / PAGE_SIZE);
        let slots = moved.get(targetPage);
        if (!slots) moved.set(targetPage, (slots = []));
        slots[target % PAGE_SIZE] = photo;
      });
    }
    this.#pages = moved;
    if (this.total !== null) this.total = Math.max(0, this.total - removedAt.length);
    // photos removed from pages not loaded moved the later ones too, by an unknown amount
    const firstChanged = removedAt.length < gone.size ? 0 : Math.floor(removedAt[0]! / PAGE_SIZE);
    this.#refetchFrom(firstChanged);
    return removedAt.length;
  }

  /** The photo at a list position, fetching its page first when it is not loaded or is stale. */
  async ensurePhoto(index: number): Promise<Photo | undefined> {
    const page = Math.floor(index / PAGE_SIZE);
    const cached = this.photoAt(index);
    if (cached && !this.#stale.has(page)) return cached;
    try {
      await this.#fetch(page, this.#generation);
    } catch (error) {
      handleError(error, 'Could not load photos', { action: false });
    }
    return this.photoAt(index);
  }

  /** Ids of the photos at [start, end), fetching pages that are not loaded (not aborted by scrolling). */
  async idsInRange(start: number, end: number): Promise<number[]> {
    const generation = this.#generation;
    const firstPage = Math.floor(start / PAGE_SIZE);
    const lastPage = Math.floor(Math.max(start, end - 1) / PAGE_SIZE);
    for (let page = firstPage; page <= lastPage; page++) {
      if (this.#pages.has(page)) continue;
      try {
        await this.#fetch(page, generation);
      } catch (error) {
        if (generation === this.#generation) handleError(error, 'Could not load photos', { action: false });
      }
    }
    const ids: number[] = [];
    for (let index = start; index < end; index++) {
      const photo = this.photoAt(index);
      if (photo) ids.push(photo.id);
    }
    return ids;
  }

  /** Every id in the current filter (select-all), in pages of ID_PAGE_SIZE; stops if the filter changes. */
  async allIds(signal: AbortSignal): Promise<number[]> {
    const ids: number[] = [];
    for (let offset = 0; ; offset += ID_PAGE_SIZE) {
      const page = await this.#client.call('photos.list', { ...this.filter, limit: ID_PAGE_SIZE, offset }, { signal });
      for (const photo of page.items) ids.push(photo.id);
      if (page.items.length < ID_PAGE_SIZE) return ids;
    }
  }

  /** Answers of older requests are dropped; pages from `firstPage` on are stale and the grid's range reloads. */
  #refetchFrom(firstPage: number): void {
    this.#generation++;
    for (const controller of this.#inFlight.values()) controller.abort();
    this.#queue = [];
    this.#inFlight.clear();
    for (const page of this.#pages.keys()) if (page >= firstPage) this.#stale.add(page);
    this.version++;
    this.ensureRange(this.#range.start, this.#range.end);
  }

  #reset(keepPages: boolean): void {
    this.#generation++;
    for (const controller of this.#inFlight.values()) controller.abort();
    this.#queue = [];
    this.#inFlight.clear();
    if (keepPages) {
      this.#stale = new Set(this.#pages.keys());
    } else {
      this.#pages = new Map();
      this.#stale.clear();
      this.total = null;
    }
    this.version++;
    this.ensureRange(keepPages ? this.#range.start : 0, keepPages ? this.#range.end : PAGE_SIZE);
  }

  #pump(): void {
    while (this.#inFlight.size < MAX_IN_FLIGHT && this.#queue.length > 0) {
      const page = this.#queue.shift();
      if (page === undefined) break;
      void this.#load(page, this.#generation);
    }
  }

  async #load(page: number, generation: number): Promise<void> {
    const controller = new AbortController();
    this.#inFlight.set(page, controller);
    try {
      await this.#fetch(page, generation, controller.signal);
    } catch (error) {
      if (generation === this.#generation && !controller.signal.aborted) handleError(error, 'Could not load photos', { action: false });
    } finally {
      // An aborted page has already left #inFlight (and may be in flight again under a new controller).
      if (this.#inFlight.get(page) === controller) {
        this.#inFlight.delete(page);
        this.#pump();
      }
    }
  }

  /** Fetches one page and stores it, unless the query changed meanwhile. */
  async #fetch(page: number, generation: number, signal?: AbortSignal): Promise<void> {
    const result = await this.#client.call('photos.list', { ...this.filter, limit: PAGE_SIZE, offset: page * PAGE_SIZE }, signal ? { signal } : {});
    if (generation !== this.#generation) return;
    this.#pages.set(page, result.items);
    this.#stale.delete(page);
    this.total = result.total;
    this.version++;
  }
}
