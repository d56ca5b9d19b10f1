// The main process's IPC surface: one invoke handler per contract method plus the folder picker. Each checks
// the sender (our main window, showing our page), validates the request with the contract's schema, and
// answers with the shared envelope; only then is the core called. Events are pushed to the main window.
import { parseRequest, errorEnvelope } from '../api/dispatch.js';
import type { Envelope } from '../api/envelope.js';
import { StudioError, toStudioError } from '../api/errors.js';
import type { MethodName } from '../api/contract.js';
import { BRIDGE_METHODS, PICK_FOLDER_CHANNEL, callChannel, eventChannel } from './channels.js';
import type { CoreClient } from './core-client.js';

/** The parts of Electron's IpcMainInvokeEvent the check reads. */
export interface InvokeEvent {
  sender: unknown;
  senderFrame: { url: string } | null;
}

export interface IpcMainPart {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface SenderPolicy {
  /** The main window's webContents, or null before it exists / after it closed. */
  mainContents(): unknown;
  isAppUrl(url: string): boolean;
}

export function checkSender(event: InvokeEvent, policy: SenderPolicy): StudioError | null {
  const main = policy.mainContents();
  if (!main || event.sender !== main) return new StudioError('INVALID_INPUT', 'Refused: the call did not come from the main window');
  const url = event.senderFrame?.url ?? '';
  if (!policy.isAppUrl(url)) return new StudioError('INVALID_INPUT', `Refused: expected a call from the app's page, received one from "${url}"`);
  return null;
}

export interface StudioIpcOptions {
  ipcMain: IpcMainPart;
  policy: SenderPolicy;
  core: Pick<CoreClient, 'call'>;
  /** Shows the native folder dialog; null when cancelled. */
  pickFolder(): Promise<string | null>;
  log?: (message: string, error: unknown) => void;
}

/** Registers every handler; returns a function that removes them. */
export function registerStudioIpc(options: StudioIpcOptions): () => void {
  const { ipcMain, policy, core, log = console.error } = options;
  const guarded = (run: (args: unknown[]) => Promise<Envelope<unknown>>) => async (event: InvokeEvent, ...args: unknown[]) => {
    const refused = checkSender(event, policy);
    if (refused) {
      log('[ipc] refused a call', refused.message);
      return errorEnvelope(refused);
    }
    try {
      return await run(args);
    } catch (error) {
      const studioError = toStudioError(error);
      if (studioError.code === 'INTERNAL') log('[ipc] call failed', error);
      return errorEnvelope(studioError);
    }
  };

  const channels: string[] = [];
  for (const method of BRIDGE_METHODS) {
    const channel = callChannel(method);
    ipcMain.handle(
      channel,
      guarded(async (args) => {
        if (args.length > 1) throw new StudioError('INVALID_INPUT', `Expected one request object for ${method}, received ${args.length} arguments`);
        const request = parseRequest(method satisfies MethodName, args[0]);
        return core.call(method, request);
      }),
    );
    channels.push(channel);
  }
  ipcMain.handle(
    PICK_FOLDER_CHANNEL,
    guarded(async () => ({ ok: true, value: await options.pickFolder() })),
  );
  channels.push(PICK_FOLDER_CHANNEL);
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

/** Pushes core events to the main window while it exists. */
export function relayCoreEvents(core: Pick<CoreClient, 'onEvent'>, target: () => EventTarget | null): () => void {
  return core.onEvent((event, payload) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(eventChannel(event), payload);
  });
}
