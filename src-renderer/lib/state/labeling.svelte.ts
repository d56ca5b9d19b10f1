// Label edits from the grid, the viewer and the class bar. Every edit awaits the core's commit before the grid
// shows it (patching the cached pages), then counts are refreshed.
import type { StudioClient } from '../api/studio-client.js';
import { handleError } from '../utils/handle-error.js';
import { notifications } from './notifications.svelte.js';
import type { LibraryState } from './library-state.svelte.js';
import type { PhotoPages } from './photo-pages.svelte.js';

export class Labeling {
  /** Number of label calls not yet answered (the status bar shows "saving…"). */
  pending = $state(0);
  readonly #client: StudioClient;
  readonly #library: LibraryState;
  readonly #pages: PhotoPages;

  constructor(client: StudioClient, library: LibraryState, pages: PhotoPages) {
    this.#client = client;
    this.#library = library;
    this.#pages = pages;
  }

  /** classId null clears the label. Resolves true once committed. */
  async setLabel(photoIds: number[], classId: number | null): Promise<boolean> {
    if (photoIds.length === 0) return false;
    this.pending++;
    try {
      await this.#client.call('labels.set', { photoIds, classId, source: 'user' });
      this.#pages.patchLabels(photoIds, classId, this.#library.classById(classId)?.name ?? null);
      void this.#library.refresh();
      return true;
    } catch (error) {
      handleError(error, 'Could not save the label');
      return false;
    } finally {
      this.pending--;
    }
  }

  async undo(): Promise<void> {
    await this.#step('labels.undo', 'Nothing to undo');
  }

  async redo(): Promise<void> {
    await this.#step('labels.redo', 'Nothing to redo');
  }

  async #step(method: 'labels.undo' | 'labels.redo', nothing: string): Promise<void> {
    this.pending++;
    try {
      const result = await this.#client.call(method, {});
      if (result.changed === 0) notifications.info(nothing);
      else notifications.info(`${method === 'labels.undo' ? 'Undid' : 'Redid'} ${result.changed} label${result.changed === 1 ? '' : 's'}`);
      this.#pages.refresh();
      void this.#library.refresh();
    } catch (error) {
      handleError(error, method === 'labels.undo' ? 'Could not undo' : 'Could not redo');
    } finally {
      this.pending--;
    }
  }
}
