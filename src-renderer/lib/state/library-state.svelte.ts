// Library-wide facts the views share: counts, classes (in order, with colours and counts), and the backend.
// Refreshed after changes the core announces (library.changed) and after this window's own edits.
import type { LibraryStats, ClassInfo } from '../../../src-main/api/schemas.js';
import type { BackendInfo } from '../../../src-main/api/training-schemas.js';
import type { StudioClient } from '../api/studio-client.js';
import { handleError } from '../utils/handle-error.js';

export class LibraryState {
  stats = $state.raw<LibraryStats | null>(null);
  backend = $state.raw<BackendInfo | null>(null);
  /** why the backend could not be read (training not available), for the status bar */
  backendError = $state<string | null>(null);
  readonly classes = $derived<ClassInfo[]>(this.stats ? [...this.stats.classes].sort((a, b) => a.order - b.order) : []);
  /** Classes reachable by number keys 1–9, in class-bar order. */
  readonly keyedClasses = $derived(this.classes.slice(0, 9));

  readonly #client: StudioClient;
  #refreshing: Promise<void> | null = null;
  #again = false;

  constructor(client: StudioClient) {
    this.#client = client;
  }

  classById(id: number | null | undefined): ClassInfo | undefined {
    return id === null || id === undefined ? undefined : this.classes.find((c) => c.id === id);
  }

  /** Coalesces bursts: at most one stats call in flight, plus one more if asked again meanwhile. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      try {
        do {
          this.#again = false;
          this.stats = await this.#client.call('library.stats', {});
        } while (this.#again);
      } catch (error) {
        handleError(error, 'Could not read the library', { action: false });
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  async loadBackend(): Promise<void> {
    try {
      this.backend = await this.#client.call('training.backend', {});
      this.backendError = null;
    } catch (error) {
      this.backendError = handleError(error, 'Training backend unavailable', { notify: false }) ?? null;
    }
  }
}
