// What the Electron preload exposes as `window.studio`: the contract's methods (each resolving to an envelope),
// events, and the two desktop-only abilities (native folder picker, path of a dropped folder).
import type { EventName, EventPayload, MethodName, MethodRequest, MethodResponse } from './contract.js';
import type { Envelope } from './envelope.js';

/** Commands the native menu sends to the renderer; the menu owns the shortcuts so they work app-wide. */
export const SHELL_COMMANDS = [
  'import-folder',
  'undo',
  'redo',
  'retrain',
  'view-library',
  'view-train',
  'view-runs',
  'view-review',
  'show-help',
] as const;
export type ShellCommand = (typeof SHELL_COMMANDS)[number];

/** Events the desktop shell adds to the contract's events. */
export interface ShellEvents {
  'shell.command': { command: ShellCommand };
}
export type ShellEventName = keyof ShellEvents;
export type BridgeEventName = EventName | ShellEventName;
export type BridgeEventPayload<E extends BridgeEventName> = E extends EventName
  ? EventPayload<E>
  : E extends ShellEventName
    ? ShellEvents[E]
    : never;

/** A dropped file or folder as the renderer sees it (a DOM `File` fits). */
export interface DroppedFile {
  readonly name: string;
}

export type StudioBridgeMethods = {
  readonly [M in MethodName]: (request: MethodRequest<M>) => Promise<Envelope<MethodResponse<M>>>;
};

export interface StudioBridgeShell {
  on<E extends BridgeEventName>(event: E, listener: (payload: BridgeEventPayload<E>) => void): () => void;
  /** Native folder dialog; null when the person cancels. */
  pickFolder(): Promise<Envelope<string | null>>;
  /** Absolute path of a dropped file or folder; '' when it has none (e.g. dragged from a web page). */
  pathForFile(file: DroppedFile): string;
}

export type StudioBridge = StudioBridgeMethods & StudioBridgeShell;
