// The error a StudioClient call rejects with: the core's code and message, whichever transport carried them
// (code CANCELLED when the caller aborted the call through its signal).
import type { ErrorPayload } from '../../../src-main/api/envelope.js';

export class StudioCallError extends Error {
  readonly code: ErrorPayload['code'];
  readonly details: unknown;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = 'StudioCallError';
    this.code = payload.code;
    this.details = payload.details;
  }
}

/** What an aborted call rejects with, on either transport; handleError stays silent for it. */
export function cancelledCallError(method: string): StudioCallError {
  return new StudioCallError({ code: 'CANCELLED', message: `The call to ${method} was cancelled` });
}

/** `details` of an UNAVAILABLE error meaning the server or core process could not be reached at all. */
export const UNREACHABLE = { unreachable: true } as const;

/** True when the call never reached the core (server stopped, core process down): the connection banner's case. */
export function isUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, details } = error as { code?: unknown; details?: unknown };
  return code === 'UNAVAILABLE' && typeof details === 'object' && details !== null && (details as { unreachable?: unknown }).unreachable === true;
}
