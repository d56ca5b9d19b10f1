// The one error type that crosses every boundary (IPC, HTTP, CLI): a code the shells can map, and a message for people.
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'CANCELLED',
  'UNSUPPORTED_FILE',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.details = details;
  }
}

export function isStudioError(error: unknown): error is StudioError {
  return error instanceof StudioError;
}

export function isCancelled(error: unknown): boolean {
  return (isStudioError(error) && error.code === 'CANCELLED') || (error instanceof Error && error.name === 'AbortError');
}

/** Turns anything thrown into a StudioError; unknown errors become INTERNAL (the caller logs the stack). */
export function toStudioError(error: unknown): StudioError {
  if (isStudioError(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') return new StudioError('CANCELLED', 'Cancelled');
  const message = error instanceof Error ? error.message : String(error);
  return new StudioError('INTERNAL', message);
}
