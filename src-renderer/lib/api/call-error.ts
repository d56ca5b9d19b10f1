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
