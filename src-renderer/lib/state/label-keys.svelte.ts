// The labeling loop behind the keys: a digit labels the current photo and moves on to the next photo that still
// needs a label; U jumps to the next unlabeled photo; undo / redo put the cursor (or the viewer) back in place.
// Actions run one after another, each reading the cursor when its turn comes, so fast typing never labels a
// photo twice or labels the wrong one.
import { handleError } from '../utils/handle-error.js';
import { stillMatches } from './labeling.svelte.js';
import { notifications } from './notifications.svelte.js';
import type { StudioState } from './studio-state.svelte.js';

export class LabelKeys {
  #chain: Promise<unknown> = Promise.resolve();
  readonly #studio: StudioState;

  constructor(studio: StudioState) {
    this.#studio = studio;
  }

  /** Resolves once this action (and every one queued before it) has finished. */
  #enqueue(action: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(action).catch((error: unknown) => void handleError(error, 'Could not move to the next photo'));
    this.#chain = run;
    return run;
  }

  /** Digit / Backspace in the grid or the viewer: a selection of several photos is labeled as a whole (and
   *  stays put); a single photo is labeled and the cursor moves to the next photo that needs a label. */
  labelCurrent(classId: number | null): Promise<void> {
    return this.#enqueue(async () => {
      const { pages, selection, labeling } = this.#studio;
      const inViewer = this.#studio.viewerIndex >= 0;
      if (!inViewer && selection.size > 1) {
        // the selection leaves a filter it no longer matches (Unlabeled, another class): nothing stays selected unseen
        if ((await labeling.setLabel(selection.targets(), classId)) && stillMatches(pages.filter, undefined, classId) === false) selection.clear();
        return;
      }
      const at = inViewer ? this.#studio.viewerIndex : selection.cursor;
      const photo = at >= 0 ? await pages.ensurePhoto(at) : undefined;
      const targetId = photo?.id ?? selection.targets()[0];
      if (targetId === undefined || !(await labeling.setLabel([targetId], classId)) || classId === null) return;
      if (pages.indexOf(targetId) < 0) {
        // it left the filter (Unlabeled, another class): the next photo has moved up into its place
        const total = pages.total ?? 0;
        if (total === 0) this.#leaveEmptyList();
        else await this.#moveTo(Math.min(at, total - 1));
        return;
      }
      const next = await this.#findNextUnlabeled(at);
      if (next === null) notifications.info('Every photo here has a label');
      else await this.#moveTo(next);
    });
  }

  /** U: the next unlabeled photo after the cursor (wrapping round); when the filter has none, the Unlabeled filter. */
  jumpToNextUnlabeled(): Promise<void> {
    return this.#enqueue(async () => {
      const studio = this.#studio;
      if (studio.view !== 'library') studio.show('library');
      // with nothing chosen yet (the cursor only marks where the focus landed) the cursor's own photo counts too
      const cursor = studio.selection.cursor;
      const from = studio.viewerIndex >= 0 ? studio.viewerIndex : studio.selection.size === 0 && cursor >= 0 ? cursor - 1 : cursor;
      const next = await this.#findNextUnlabeled(from);
      if (next !== null) {
        await this.#moveTo(next);
      } else if ((studio.library.stats?.unlabeled ?? 0) > 0 && !studio.pages.filter.unlabeled) {
        studio.viewerIndex = -1;
        studio.filterLibrary({ sort: studio.pages.filter.sort, descending: studio.pages.filter.descending, unlabeled: true });
        await this.#moveTo(0);
      } else {
        notifications.info('Every photo has a label');
      }
      if (studio.viewerIndex < 0) studio.focusGrid();
    });
  }

  /** The newest edit of this window first (a removal is restored), else the label journal. */
  undo(): Promise<void> {
    return this.#enqueue(async () => {
      const { history, removals } = this.#studio;
      const edit = history.nextUndo();
      if (edit.kind === 'labels') {
        if (await this.#step('labels.undo')) history.undone(edit);
        return;
      }
      const photoIds = await removals.restore(edit.removalId);
      if (photoIds) history.undone({ ...edit, photoIds });
    });
  }

  redo(): Promise<void> {
    return this.#enqueue(async () => {
      const { history, removals } = this.#studio;
      const edit = history.nextRedo();
      if (edit.kind === 'labels') {
        if (await this.#step('labels.redo')) history.redone(edit);
        return;
      }
      const report = await removals.remove({ photoIds: edit.photoIds }, { record: false });
      if (report?.removalId) history.redone({ kind: 'removal', removalId: report.removalId, photoIds: edit.photoIds });
    });
  }

  /** Replays one journal step, then shows the changed photo where it now sits in the filter; the viewer keeps
   *  showing the photo it showed. The list and its counts are fetched again. */
  async #step(method: 'labels.undo' | 'labels.redo'): Promise<boolean> {
    const { pages, labeling, client } = this.#studio;
    const inViewer = this.#studio.viewerIndex >= 0;
    const viewedId = inViewer ? pages.photoAt(this.#studio.viewerIndex)?.id : undefined;
    const result = await labeling.step(method);
    if (!result || result.changed === 0) return false;
    pages.refresh();
    const focusId = viewedId ?? result.photoIds[0];
    if (focusId === undefined) return true;
    const { index } = await client.call('photos.indexOf', { ...pages.filter, photoId: focusId });
    if (index !== null) {
      await this.#moveTo(index);
    } else if (inViewer) {
      // the viewed photo left the filter: stay at the same place
      const total = (await pages.ensurePhoto(0)) ? (pages.total ?? 0) : 0;
      if (total === 0) this.#leaveEmptyList();
      else await this.#moveTo(Math.min(this.#studio.viewerIndex, total - 1));
    }
    return true;
  }

  /** Next photo without a label after list position `after`: from the loaded pages when they reach it, else the core. */
  async #findNextUnlabeled(after: number): Promise<number | null> {
    const { pages, client } = this.#studio;
    const total = pages.total ?? 0;
    for (let index = after + 1; index < total; index++) {
      const photo = pages.photoAt(index);
      if (!photo) break;
      if (photo.classId === null) return index;
    }
    const found = await client.call('photos.nextUnlabeled', { ...pages.filter, after });
    return found?.index ?? null;
  }

  async #moveTo(index: number): Promise<void> {
    const studio = this.#studio;
    await studio.pages.ensurePhoto(index);
    studio.selection.selectOnly(index);
    if (studio.viewerIndex >= 0) {
      studio.viewerIndex = index;
      return;
    }
    const top = studio.grid.scrollTopToReveal(index);
    if (top !== null) studio.grid.scrollTop = top;
  }

  #leaveEmptyList(): void {
    this.#studio.viewerIndex = -1;
    this.#studio.selection.reset();
    notifications.info('Every photo here has a label');
  }
}
