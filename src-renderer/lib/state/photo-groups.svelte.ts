// The where/when groups of the grid's current filter (capture days and trips, GPS places), reloaded when the
// filter or what it selects changes; an answer to an older filter is dropped (its request aborted).
import type { PhotoDays, PhotoPlaces } from '../../../src-main/api/photo-group-schemas.js';
import type { StudioClient } from '../api/studio-client.js';
import { handleError } from '../utils/handle-error.js';
import type { PhotoFilter } from './photo-pages.svelte.js';

export class PhotoGroups {
  days = $state.raw<PhotoDays | null>(null);
  places = $state.raw<PhotoPlaces | null>(null);

  readonly #client: StudioClient;
  #controller: AbortController | null = null;

  constructor(client: StudioClient) {
    this.#client = client;
  }

  async load(filter: PhotoFilter): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    try {
      const [days, places] = await Promise.all([
        this.#client.call('photos.days', filter, { signal: controller.signal }),
        this.#client.call('photos.places', filter, { signal: controller.signal }),
      ]);
      if (controller.signal.aborted) return;
      this.days = days;
      this.places = places;
    } catch (error) {
      handleError(error, 'Could not read the dates and places');
    }
  }

  cancel(): void {
    this.#controller?.abort();
  }
}
