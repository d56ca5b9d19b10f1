// Carries one call across a transport boundary: name check, request validation with the contract's schema,
// the call itself, and every outcome turned into the shared envelope. Used by the HTTP server (and IPC).
import { z } from 'zod';
import { isMethodName, studioMethods, type StudioApi } from './contract.js';
import type { Envelope } from './envelope.js';
import { StudioError, toStudioError } from './errors.js';

export type CallLogger = (message: string, error: unknown) => void;

const INTERNAL_MESSAGE = 'Internal error; the details are in the studio log';

export function errorEnvelope(error: StudioError): Envelope<never> {
  return { ok: false, error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
}

export function unknownMethodError(method: string): StudioError {
  return new StudioError('NOT_FOUND', `Unknown method: expected one of the StudioApi methods, received "${method.slice(0, 100)}"`);
}

/** Validates `rawRequest` against the method's schema; throws INVALID_INPUT with the zod issues. */
export function parseRequest(method: string, rawRequest: unknown): unknown {
  if (!isMethodName(method)) throw unknownMethodError(method);
  const parsed = studioMethods[method].request.safeParse(rawRequest);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message }));
    throw new StudioError('INVALID_INPUT', `Invalid request for ${method}: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`, { issues });
  }
  return parsed.data;
}

/**
 * Runs `method` on `api` with an untrusted request. Never throws: expected failures keep their code and
 * message; anything else is logged with its stack and sent as INTERNAL without internals.
 */
export async function dispatchCall(api: StudioApi, method: string, rawRequest: unknown, log: CallLogger = defaultLog): Promise<Envelope<unknown>> {
  try {
    const request = parseRequest(method, rawRequest);
    const handler = api[method as keyof StudioApi] as (request: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(request) };
  } catch (error) {
    const studioError = toStudioError(error);
    if (studioError.code !== 'INTERNAL') return errorEnvelope(studioError);
    log(`[studio] ${method} failed`, error);
    return errorEnvelope(new StudioError('INTERNAL', INTERNAL_MESSAGE));
  }
}

function defaultLog(message: string, error: unknown): void {
  console.error(message, error instanceof Error ? (error.stack ?? error.message) : error);
}
