// Class management calls (create, rename, merge, delete), each followed by a refresh of counts and the grid.
import type { ClassDeleteResult, ClassInfo } from '../../../src-main/api/schemas.js';
import { handleErrorAsync } from '../utils/handle-error.js';
import { notifications } from './notifications.svelte.js';
import type { StudioState } from './studio-state.svelte.js';

async function after<T>(studio: StudioState, result: T | undefined): Promise<T | undefined> {
  if (result !== undefined) {
    await studio.library.refresh();
    studio.pages.refresh();
  }
  return result;
}

export async function createClass(studio: StudioState, name: string): Promise<ClassInfo | undefined> {
  return after(studio, await handleErrorAsync(() => studio.client.call('classes.create', { name }), `Could not create the class "${name}"`));
}

export async function renameClass(studio: StudioState, id: number, name: string): Promise<ClassInfo | undefined> {
  return after(studio, await handleErrorAsync(() => studio.client.call('classes.rename', { id, name }), 'Could not rename the class'));
}

export async function mergeClass(studio: StudioState, sourceId: number, targetId: number): Promise<ClassInfo | undefined> {
  const merged = await after(studio, await handleErrorAsync(() => studio.client.call('classes.merge', { sourceId, targetId }), 'Could not merge the classes'));
  if (merged) notifications.info(`Merged into ${merged.name}`);
  return merged;
}

export async function deleteClass(studio: StudioState, id: number): Promise<ClassDeleteResult | undefined> {
  const result = await after(studio, await handleErrorAsync(() => studio.client.call('classes.delete', { id }), 'Could not delete the class'));
  if (result) notifications.info(`Class deleted; ${result.unlabeledPhotos} photos are now unlabeled`);
  if (result && studio.pages.filter.classId === id) studio.filterLibrary({ ...studio.pages.filter, classId: undefined });
  return result;
}
