// Label edits from the grid, the viewer and the class bar. Every edit awaits the core's commit before the grid
// shows it: photos that no longer match the filter leave the cached list (so the list and its counts agree),
// the others are patched in place; the library counts then refresh on the core's library.changed event.
import type { LabelChangeResult, Photo } from '../../../src-main/api/schemas.js';
import type { StudioClient } from '../api/studio-client.js';
import type { EditHistory } from './edit-history.js';
import { handleError } from '../utils/handle-error.js';
import { notifications } from './notifications.svelte.js';
import type { LibraryState } from './library-state.svelte.js';
import type { PhotoFilter, PhotoPages } from './photo-pages.svelte.js';

/** Whether a photo given this label still belongs in the filter (undefined: cannot tell without asking the core). */
export function stillMatches(filter: PhotoFilter, photo: Photo | undefined, classId: number | null): boolean | undefined {
  if (filter.unlabeled && classId !== null) return false;
  if (filter.classId !== undefined && filter.classId !== classId) return false;
  if (filter.misclassified && (classId === null || classId === photo?.prediction?.classId)) return false;
  if (filter.unlabeled && classId === null) return undefined;
  return true;
}

export class Labeling {
  /** Number of label calls not yet answered (the status bar shows "saving…"). */
  pending = $state(0);
  readonly #client: StudioClient;
  readonly #library: LibraryState;
  readonly #pages: PhotoPages;
  readonly #history: EditHistory | undefined;

  constructor(client: StudioClient, library: LibraryState, pages: PhotoPages, history?: EditHistory) {
    this.#client = client;
    this.#library = library;
    this.#pages = pages;
    this.#history = history;
  }

  /** classId null clears the label. Resolves true once committed. */
  async setLabel(photoIds: number[], classId: number | null): Promise<boolean> {
    if (photoIds.length === 0) return false;
    this.pending++;
    try {
      const result = await this.#client.call('labels.set', { photoIds, classId, source: 'user' });
      if (result.changed > 0) this.#history?.record({ kind: 'labels' });
      const filter = this.#pages.filter;
      const photos = photoIds.map((id) => this.#pages.photoAt(this.#pages.indexOf(id)));
      const leaving = photoIds.filter((_, i) => stillMatches(filter, photos[i], classId) === false);
      const unknown = photoIds.some((_, i) => stillMatches(filter, photos[i], classId) === undefined);
      this.#pages.patchLabels(photoIds, classId, this.#library.classById(classId)?.name ?? null);
      if (leaving.length > 0) this.#pages.removePhotos(leaving);
      if (unknown) this.#pages.refresh();
      // the counts refresh on the core's library.changed event
      return true;
    } catch (error) {
      handleError(error, 'Could not save the label');
      return false;
    } finally {
      this.pending--;
    }
  }

  /** One step back or forward in the label journal; the caller puts the cursor back (see LabelKeys). */
  async step(method: 'labels.undo' | 'labels.redo'): Promise<LabelChangeResult | null> {
    this.pending++;
    try {
      const result = await this.#client.call(method, {});
      if (result.changed === 0) notifications.info(method === 'labels.undo' ? 'Nothing to undo' : 'Nothing to redo');
      else notifications.info(`${method === 'labels.undo' ? 'Undid' : 'Redid'} ${result.changed} label${result.changed === 1 ? '' : 's'}`);
      return result;
    } catch (error) {
      handleError(error, method === 'labels.undo' ? 'Could not undo' : 'Could not redo');
      return null;
    } finally {
      this.pending--;
    }
  }
}
