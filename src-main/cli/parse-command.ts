// Parses `studio <command> [args] [--options]` with node:util parseArgs; options are declared per command.
import { parseArgs } from 'node:util';
import { StudioError } from '../api/errors.js';

export interface ParsedCommand {
  name: string;
  positionals: string[];
  flag(name: string): boolean;
  option(name: string): string | undefined;
  intOption(name: string): number | undefined;
  numberOption(name: string): number | undefined;
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

export const GLOBAL_OPTIONS: OptionSpec = {
  library: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
  /** print the stack of any error (also STUDIO_DEBUG=1) */
  debug: { type: 'boolean' },
};

export function parseCommand(name: string, args: string[], spec: OptionSpec): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...spec }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new StudioError('INVALID_INPUT', (error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const numberOf = (key: string, integer: boolean): number | undefined => {
    const raw = values[key];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (typeof raw !== 'string' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      throw new StudioError('INVALID_INPUT', `--${key} expects ${integer ? 'a whole number' : 'a number'}; received "${String(raw)}"`);
    }
    return n;
  };
  return {
    name,
    positionals: parsed.positionals,
    flag: (key) => values[key] === true,
    option: (key) => (typeof values[key] === 'string' ? (values[key] as string) : undefined),
    intOption: (key) => numberOf(key, true),
    numberOption: (key) => numberOf(key, false),
  };
}
