// Class management calls (create, rename, merge, delete). Counts and the grid refresh on the core's
// library.changed event; a failure goes to `onError` (shown next to the field that caused it) when given, else a toast.
import type { ClassDeleteResult, ClassInfo } from '../../../src-main/api/schemas.js';
import { isUnreachable } from '../api/call-error.js';
import { handleError } from '../utils/handle-error.js';
import { notifications } from './notifications.svelte.js';
import type { StudioState } from './studio-state.svelte.js';

export type ShowError = (message: string) => void;

async function attempt<T>(call: () => Promise<T>, fallback: string, onError: ShowError | undefined): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    const message = handleError(error, fallback, { notify: onError === undefined, action: true });
    // unreachable: the connection banner says it, once for every action
    if (message !== undefined && !isUnreachable(error)) onError?.(message);
    return undefined;
  }
}

export async function createClass(studio: StudioState, name: string, onError?: ShowError): Promise<ClassInfo | undefined> {
  return attempt(() => studio.client.call('classes.create', { name }), `Could not create the class "${name}"`, onError);
}

export async function renameClass(studio: StudioState, id: number, name: string, onError?: ShowError): Promise<ClassInfo | undefined> {
  return attempt(() => studio.client.call('classes.rename', { id, name }), 'Could not rename the class', onError);
}

export async function mergeClass(studio: StudioState, sourceId: number, targetId: number, onError?: ShowError): Promise<ClassInfo | undefined> {
  const merged = await attempt(() => studio.client.call('classes.merge', { sourceId, targetId }), 'Could not merge the classes', onError);
  if (merged) notifications.info(`Merged into ${merged.name}`);
  return merged;
}

export async function deleteClass(studio: StudioState, id: number, onError?: ShowError): Promise<ClassDeleteResult | undefined> {
  const result = await attempt(() => studio.client.call('classes.delete', { id }), 'Could not delete the class', onError);
  if (result) notifications.info(`Class deleted; ${result.unlabeledPhotos} photos are now unlabeled`);
  if (result && studio.pages.filter.classId === id) studio.filterLibrary({ ...studio.pages.filter, classId: undefined });
  return result;
}
