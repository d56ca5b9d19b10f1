// POST /api/call/<method>: JSON body → contract validation → the core → the envelope, with the error's HTTP status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StudioApi } from '../api/contract.js';
import { isMethodName } from '../api/contract.js';
import { dispatchCall, errorEnvelope, unknownMethodError, type CallLogger } from '../api/dispatch.js';
import { BodyError, readJsonBody } from './read-body.js';
import { sendEnvelope, sendError } from './respond.js';

export const API_CALL_PREFIX = '/api/call/';

export async function handleApiCall(req: IncomingMessage, res: ServerResponse, pathname: string, api: StudioApi, log: CallLogger): Promise<void> {
  const method = pathname.slice(API_CALL_PREFIX.length);
  if (!isMethodName(method)) {
    sendEnvelope(res, errorEnvelope(unknownMethodError(method)));
    return;
  }
  if (req.method !== 'POST') {
    sendError(res, 405, 'INVALID_INPUT', `Method not allowed: expected POST, received ${req.method ?? ''}`, { Allow: 'POST' });
    return;
  }
  let body: unknown;
  try {
    body = await readJsonBody(req);
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    // The rest of an oversized body is not worth reading: answer, then drop the connection.
    if (error.status === 413) res.setHeader('Connection', 'close');
    sendError(res, error.status, error.status === 415 ? 'UNSUPPORTED_FILE' : 'INVALID_INPUT', error.message);
    return;
  }
  sendEnvelope(res, await dispatchCall(api, method, body, log));
}
