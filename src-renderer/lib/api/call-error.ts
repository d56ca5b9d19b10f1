// The error a StudioClient call rejects with: the core's code and message, whichever transport carried them.
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
