// The result envelope shared by IPC and HTTP: { ok: true, value } | { ok: false, error }.
import type { ErrorCode } from './errors.js';

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };
