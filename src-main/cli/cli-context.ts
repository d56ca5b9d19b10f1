// What every CLI command receives: parsed options, the open studio (lazily), and output helpers.
import { StudioError } from '../api/errors.js';
import { resolveLibraryDir } from '../core/library/library-location.js';
import { openStudio, type Studio } from '../core/studio.js';
import type { MethodName, MethodRequest, MethodResponse } from '../api/contract.js';
import { studioMethods } from '../api/contract.js';
import { z } from 'zod';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stderrIsTty: boolean;
}

export interface CliContext {
  json: boolean;
  libraryDir: string;
  io: CliIo;
  studio(): Studio;
  /** Validates a request with the contract's schema (as the other transports do), then calls the core. */
  call<M extends MethodName>(method: M, request: MethodRequest<M>): Promise<MethodResponse<M>>;
  /** JSON on stdout with --json; otherwise the human text. */
  print(value: unknown, human: () => string): void;
  close(): Promise<void>;
}

export function createCliContext(options: { json: boolean; library: string | undefined; io: CliIo }): CliContext {
  let studio: Studio | undefined;
  const libraryDir = resolveLibraryDir(options.library);
  const getStudio = () => (studio ??= openStudio(libraryDir));
  return {
    json: options.json,
    libraryDir,
    io: options.io,
    studio: getStudio,
    async call(method, request) {
      const schema = studioMethods[method].request as z.ZodType;
      const parsed = schema.safeParse(request);
      if (!parsed.success) throw new StudioError('INVALID_INPUT', z.prettifyError(parsed.error));
      const fn = getStudio().api[method] as (r: unknown) => Promise<MethodResponse<typeof method>>;
      return fn(parsed.data);
    },
    print(value, human) {
      options.io.stdout(options.json ? JSON.stringify(value, null, 2) : human());
    },
    async close() {
      await studio?.close();
    },
  };
}
