// The Review view's queue: one item at a time from misclassified / label-errors / uncertain. An action is sent
// to the core (review.resolve) and, once committed, the item leaves the list and the next one is already there.
// Decisions of the session are counted by kind (fixed / kept / excluded) and undo takes the last one back: the
// label (or the keep / exclude mark) is restored and the item returns to its place in the queue.
import type { ReviewItem, ReviewQueueName } from '../../../src-main/api/training-schemas.js';
import type { StudioClient } from '../api/studio-client.js';
import { handleError } from '../utils/handle-error.js';
import { notifications } from './notifications.svelte.js';

const REVIEW_PAGE_SIZE = 50;
/** Fetch the next page when this few unseen items remain. */
const REFILL_AT = 5;

export type ReviewActionName = 'accept' | 'keep' | 'relabel' | 'exclude';
type Outcome = 'fixed' | 'kept' | 'excluded';

interface Decision {
  item: ReviewItem;
  index: number;
  queue: ReviewQueueName;
  outcome: Outcome;
  /** the label journal batch it wrote (fixed only) */
  batchId: number | null;
}

export class ReviewState {
  queue = $state<ReviewQueueName>('misclassified');
  items = $state.raw<ReviewItem[]>([]);
  index = $state(0);
  total = $state<number | null>(null);
  runId = $state<number | null>(null);
  /** this session's decisions by kind: a keep is not a fix */
  counts = $state<Record<Outcome, number>>({ fixed: 0, kept: 0, excluded: 0 });
  busy = $state(false);
  #history: Decision[] = [];

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
    this.counts = { fixed: 0, kept: 0, excluded: 0 };
    this.#history = [];
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
      const result = await this.#client.call('review.resolve', {
        photoId: item.photo.id,
        action,
        ...(this.runId !== null ? { runId: this.runId } : {}),
        ...(classId !== undefined ? { classId } : {}),
      });
      // choosing the class the photo already has is a keep, not a fix
      const outcome: Outcome = action === 'exclude' ? 'excluded' : result.changed > 0 ? 'fixed' : 'kept';
      this.#history.push({ item, index: this.index, queue: this.queue, outcome, batchId: result.batchId });
      this.items = this.items.filter((other) => other.photo.id !== item.photo.id);
      if (this.index >= this.items.length) this.index = Math.max(0, this.items.length - 1);
      if (this.total !== null) this.total = Math.max(0, this.total - 1);
      this.counts = { ...this.counts, [outcome]: this.counts[outcome] + 1 };
      this.#onChange();
      this.#maybeRefill();
    } catch (error) {
      handleError(error, 'Could not apply the review decision');
    } finally {
      this.busy = false;
    }
  }

  /** Takes back the last decision of this session: the label (or mark) is restored, the item is back in place. */
  async undo(): Promise<void> {
    const last = this.#history.at(-1);
    if (!last || this.busy) {
      if (!last) notifications.info('No review decision to undo in this session');
      return;
    }
    this.busy = true;
    try {
      if (last.outcome === 'fixed') {
        const result = await this.#client.call('labels.undo', {});
        if (result.batchId !== last.batchId) {
          // something else changed labels since: that was undone instead, and the decision stays
          notifications.info(`Undid ${result.changed} other label change${result.changed === 1 ? '' : 's'}`);
          this.#onChange();
          return;
        }
      } else {
        await this.#client.call('review.resolve', { photoId: last.item.photo.id, action: last.outcome === 'kept' ? 'unkeep' : 'include' });
      }
      this.#history.pop();
      if (last.queue === this.queue) {
        const items = this.items.filter((other) => other.photo.id !== last.item.photo.id);
        items.splice(Math.min(last.index, items.length), 0, last.item);
        this.items = items;
        this.index = Math.min(last.index, items.length - 1);
        if (this.total !== null) this.total++;
      }
      this.counts = { ...this.counts, [last.outcome]: Math.max(0, this.counts[last.outcome] - 1) };
      notifications.info(`Undid: ${last.item.photo.fileName} is back in the queue`);
      this.#onChange();
    } catch (error) {
      handleError(error, 'Could not undo the review decision');
    } finally {
      this.busy = false;
    }
  }

  /** Redo replays the label journal; a queue item it relabels leaves the queue again and counts as fixed. */
  async redo(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const result = await this.#client.call('labels.redo', {});
      if (result.changed === 0) {
        notifications.info('Nothing to redo');
        return;
      }
      const redone = new Set(result.photoIds);
      const index = this.items.findIndex((item) => redone.has(item.photo.id));
      const item = this.items[index];
      if (item) {
        this.#history.push({ item, index, queue: this.queue, outcome: 'fixed', batchId: result.batchId });
        this.items = this.items.filter((other) => other !== item);
        if (this.index >= this.items.length) this.index = Math.max(0, this.items.length - 1);
        if (this.total !== null) this.total = Math.max(0, this.total - 1);
        this.counts = { ...this.counts, fixed: this.counts.fixed + 1 };
      }
      notifications.info(`Redid ${result.changed} label${result.changed === 1 ? '' : 's'}`);
      this.#onChange();
    } catch (error) {
      handleError(error, 'Could not redo');
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
