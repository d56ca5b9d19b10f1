// Removing photos from the library from the UI (a selection, a folder, the missing ones) and putting them back.
// A removal is an edit like a label change: Ctrl+Z restores it (LabelKeys asks the EditHistory which comes first),
// and the grid keeps the place: after a removal the cursor stays where the first removed photo was; after a
// restore the restored photos are selected again with the cursor on the first of them.
import type { MethodRequest } from '../../../src-main/api/contract.js';
import type { RemovalReport } from '../../../src-main/api/removal-schemas.js';
import { handleError } from '../utils/handle-error.js';
import { notifications } from './notifications.svelte.js';
import type { StudioState } from './studio-state.svelte.js';

const plural = (n: number) => `${n} photo${n === 1 ? '' : 's'}`;

export class Removals {
  /** true while a removal or restore is on its way */
  busy = $state(false);
  readonly #studio: StudioState;

  constructor(studio: StudioState) {
    this.#studio = studio;
  }

  /** Lists what a removal would take (nothing changes). */
  preview(request: Omit<MethodRequest<'photos.remove'>, 'dryRun'>): Promise<RemovalReport> {
    return this.#studio.client.call('photos.remove', { ...request, dryRun: true });
  }

  /** Removes and records the edit for undo (unless it is a redo); resolves with the report, or null when it failed. */
  async remove(request: Omit<MethodRequest<'photos.remove'>, 'dryRun'>, options: { record?: boolean } = {}): Promise<RemovalReport | null> {
    const { client, history, selection } = this.#studio;
    if (request.photoIds?.length === 0) return null;
    this.busy = true;
    try {
      const report = await client.call('photos.remove', { ...request, dryRun: false });
      if (report.removalId === null) {
        notifications.info('No photos to remove');
        return report;
      }
      // the ids to remove again on redo come from the restore (a report lists only the first photos)
      if (options.record ?? true) history.record({ kind: 'removal', removalId: report.removalId, photoIds: [] });
      const cursor = selection.cursor;
      selection.clear();
      await this.#reload();
      const total = this.#studio.pages.total ?? 0;
      if (total > 0 && cursor >= 0) await this.#placeCursor(Math.min(cursor, total - 1));
      notifications.info(`Removed ${plural(report.count)} from the library (the files stay on disk) · Ctrl+Z puts them back`);
      return report;
    } catch (error) {
      handleError(error, 'Could not remove the photos');
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** Ctrl+Z on a removal: restores it; returns the restored photo ids (for redo), or null on failure. */
  async restore(removalId: number): Promise<number[] | null> {
    const { client, pages } = this.#studio;
    this.busy = true;
    try {
      const report = await client.call('photos.restore', { removalId });
      await this.#reload();
      const first = report.photoIds[0];
      if (first !== undefined) {
        const { index } = await client.call('photos.indexOf', { ...pages.filter, photoId: first });
        if (index !== null) await this.#placeCursor(index);
        for (const id of report.photoIds) this.#studio.selection.ids.add(id);
      }
      const skipped = report.skipped.length > 0 ? ` (${report.skipped.length} already back through an import)` : '';
      notifications.info(`Restored ${plural(report.restored)} with their labels${skipped}`);
      return report.photoIds;
    } catch (error) {
      handleError(error, 'Could not restore the removed photos');
      return null;
    } finally {
      this.busy = false;
    }
  }

  async #reload(): Promise<void> {
    const { pages, library } = this.#studio;
    pages.refresh();
    await Promise.all([library.refresh(), pages.ensurePhoto(0)]);
  }

  async #placeCursor(index: number): Promise<void> {
    const { pages, selection, grid } = this.#studio;
    await pages.ensurePhoto(index);
    selection.selectOnly(index);
    const top = grid.scrollTopToReveal(index);
    if (top !== null) grid.scrollTop = top;
  }
}
