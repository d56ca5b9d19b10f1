// The one place that turns a thrown error into a message for the person: silent on cancel, logged with its stack.
import { connection } from '../state/connection.svelte.js';
import { notifications } from '../state/notifications.svelte.js';

interface CodedError {
  code?: unknown;
  message?: unknown;
  name?: unknown;
}

/** True for a cancelled job or an aborted request: the person asked for it, so nothing to say. */
export function isCancelError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name } = error as CodedError;
  return code === 'CANCELLED' || name === 'AbortError';
}

/** The message to show: the core's own message (it says what was expected and received), else the fallback. */
export function errorMessage(error: unknown, fallback: string): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as CodedError;
    if (typeof message === 'string' && message.length > 0 && code !== 'INTERNAL') return `${fallback}: ${message.slice(0, 200)}`;
  }
  return fallback;
}

/**
 * Logs, then shows a toast; returns the message (undefined when cancelled). When the core cannot be reached, the
 * connection banner says so once (naming the first action that failed) and no toast is shown.
 */
export function handleError(error: unknown, fallback: string, options: { notify?: boolean; action?: boolean } = {}): string | undefined {
  if (isCancelError(error)) return undefined;
  // `action`: something the person did (named in the banner); by default what would have shown a toast
  if (connection.actionFailed(error, (options.action ?? options.notify ?? true) ? fallback : null)) return `${fallback}: not connected to the studio`;
  console.error(`[handleError] ${fallback}`, error);
  const message = errorMessage(error, fallback);
  if (options.notify ?? true) notifications.error(message);
  return message;
}

/** Runs `fn`; on failure reports through handleError and resolves to undefined. */
export async function handleErrorAsync<T>(fn: () => Promise<T>, fallback: string): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    handleError(error, fallback);
    return undefined;
  }
}
