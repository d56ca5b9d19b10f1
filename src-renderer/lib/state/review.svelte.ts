// The Review view's queue: one item at a time from misclassified / label-errors / uncertain. An action is sent
// to the core (review.resolve) and, once committed, the item leaves the list and the next one is already there.
import type { ReviewItem, ReviewQueueName } from '../../../src-main/api/training-schemas.js';
import type { StudioClient } from '../api/studio-client.js';
import { handleError } from '../utils/handle-error.js';

const REVIEW_PAGE_SIZE = 50;
/** Fetch the next page when this few unseen items remain. */
const REFILL_AT = 5;

export type ReviewActionName = 'accept' | 'keep' | 'relabel' | 'exclude';

export class ReviewState {
  queue = $state<ReviewQueueName>('misclassified');
  items = $state.raw<ReviewItem[]>([]);
  index = $state(0);
  total = $state<number | null>(null);
  runId = $state<number | null>(null);
  resolved = $state(0);
  busy = $state(false);

  readonly current = $derived(this.items[this.index] ?? null);
  readonly next = $derived(this.items[this.index + 1] ?? null);

  readonly #client: StudioClient;
  readonly #onChange: () => void;
  #generation = 0;

  constructor(client: StudioClient, onChange: () => void) {
    this.#client = client;
    this.#onChange = onChange;
  }

  async open(queue: ReviewQueueName): Promise<void> {
    this.queue = queue;
    this.items = [];
    this.index = 0;
    this.total = null;
    this.resolved = 0;
    await this.#fetch(0);
  }

  async reload(): Promise<void> {
    await this.open(this.queue);
  }

  move(step: number): void {
    this.index = Math.max(0, Math.min(this.items.length - 1, this.index + step));
    this.#maybeRefill();
  }

  async resolve(action: ReviewActionName, classId?: number): Promise<void> {
    const item = this.current;
    if (!item || this.busy) return;
    this.busy = true;
    try {
      await this.#client.call('review.resolve', {
        photoId: item.photo.id,
        action,
        ...(this.runId !== null ? { runId: this.runId } : {}),
        ...(classId !== undefined ? { classId } : {}),
      });
      this.items = this.items.filter((other) => other.photo.id !== item.photo.id);
      if (this.index >= this.items.length) this.index = Math.max(0, this.items.length - 1);
      if (this.total !== null) this.total = Math.max(0, this.total - 1);
      this.resolved++;
      this.#onChange();
      this.#maybeRefill();
    } catch (error) {
      handleError(error, 'Could not apply the review decision');
    } finally {
      this.busy = false;
    }
  }

  #maybeRefill(): void {
    const unseen = this.items.length - this.index;
    if (unseen <= REFILL_AT && this.total !== null && this.items.length < this.total) void this.#fetch(this.items.length);
  }

  async #fetch(offset: number): Promise<void> {
    const generation = ++this.#generation;
    try {
      const page = await this.#client.call('review.queue', { queue: this.queue, limit: REVIEW_PAGE_SIZE, offset });
      if (generation !== this.#generation) return;
      const known = new Set(this.items.map((item) => item.photo.id));
      this.items = [...this.items, ...page.items.filter((item) => !known.has(item.photo.id))];
      this.total = page.total;
      this.runId = page.runId;
    } catch (error) {
      if (generation === this.#generation) {
        this.total = 0;
        handleError(error, 'Could not load the review queue', { notify: false });
      }
    }
  }
}
