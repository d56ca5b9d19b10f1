// IPC channel names and the explicit lists the preload exposes; shared by main and the (bundled) preload.
// Only `import type` from the contract: the preload bundle must not pull in zod.
import type { EventName, MethodName } from '../api/contract.js';
import type { BridgeEventName, ShellEventName } from '../api/desktop-bridge.js';

/** One invoke channel per contract method: `studio:call:<method>`. */
export const CALL_CHANNEL_PREFIX = 'studio:call:';
/** Main → renderer: `studio:event:<event>` with the payload as the only argument. */
export const EVENT_CHANNEL_PREFIX = 'studio:event:';
export const PICK_FOLDER_CHANNEL = 'studio:shell:pick-folder';

/** Every contract method, listed by hand so the bridge is reviewable; the compile-time check below keeps it whole. */
export const BRIDGE_METHODS = [
  'library.info',
  'library.stats',
  'photos.import',
  'photos.list',
  'photos.get',
  'photos.duplicateGroups',
  'photos.folders',
  'photos.indexOf',
  'photos.nextUnlabeled',
  'photos.previewImport',
  'photos.remove',
  'photos.restore',
  'folders.browse',
  'photos.days',
  'photos.places',
  'classes.list',
  'classes.create',
  'classes.rename',
  'classes.merge',
  'classes.delete',
  'labels.set',
  'labels.undo',
  'labels.redo',
  'training.backend',
  'training.lastConfig',
  'training.fields',
  'training.start',
  'runs.list',
  'runs.get',
  'review.queue',
  'review.resolve',
  'jobs.list',
  'jobs.get',
  'jobs.cancel',
  'runs.export',
  'predict.folder',
  'predict.evaluate',
  'curate.copy',
  'curate.dataset',
  'curate.table',
  'curate.xmp',
  'photos.explain',
] as const satisfies readonly MethodName[];

type MissingMethod = Exclude<MethodName, (typeof BRIDGE_METHODS)[number]>;
// Fails to compile (naming the method) when the contract gains a method the bridge does not list.
export const BRIDGE_COVERS_CONTRACT: [MissingMethod] extends [never] ? true : MissingMethod = true;

export const BRIDGE_EVENTS = ['job.progress', 'job.finished', 'library.changed', 'run.epoch', 'shell.command'] as const satisfies readonly (
  | EventName
  | ShellEventName
)[];
type MissingEvent = Exclude<EventName | ShellEventName, (typeof BRIDGE_EVENTS)[number]>;
export const BRIDGE_COVERS_EVENTS: [MissingEvent] extends [never] ? true : MissingEvent = true;

export function callChannel(method: MethodName): string {
  return CALL_CHANNEL_PREFIX + method;
}

export function eventChannel(event: BridgeEventName): string {
  return EVENT_CHANNEL_PREFIX + event;
}
