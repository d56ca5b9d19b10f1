// `studio` command line: parses the command, opens the library, calls the core through the API, maps errors to exit codes.
import { StudioError, toStudioError, type ErrorCode } from './api/errors.js';
import { createCliContext, type CliContext, type CliIo } from './cli/cli-context.js';
import { COMMANDS } from './cli/commands.js';
import { parseCommand } from './cli/parse-command.js';

const EXIT_CODES: Record<ErrorCode, number> = {
  INVALID_INPUT: 2,
  NOT_FOUND: 3,
  CONFLICT: 4,
  UNSUPPORTED_FILE: 5,
  UNAVAILABLE: 6,
  CANCELLED: 130,
  INTERNAL: 1,
};

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: Boolean(process.stderr.isTTY),
};

export function usage(): string {
  const lines = ['usage: studio <command> [options] [--library DIR] [--json] [--debug]', '', 'commands:'];
  for (const [name, command] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${command.summary}`);
  lines.push('', 'The library folder is --library DIR, else $STUDIO_LIBRARY, else the app-data folder.');
  lines.push('Exit codes: 0 ok, 2 invalid input, 3 not found, 4 conflict, 6 unavailable, 130 cancelled; --debug (or STUDIO_DEBUG=1) prints stacks.');
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`studio: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  let ctx: CliContext | undefined;
  let debug = process.env.STUDIO_DEBUG === '1' || rest.includes('--debug');
  try {
    const parsed = parseCommand(name, rest, command.options);
    debug ||= parsed.flag('debug');
    if (parsed.flag('help')) {
      io.stdout(`usage: studio ${command.usage}\n${command.summary}${command.help ? `\n\n${command.help()}` : ''}`);
      return 0;
    }
    ctx = createCliContext({ json: parsed.flag('json'), library: parsed.option('library'), io });
    return await command.run(ctx, parsed);
  } catch (error) {
    const studioError = toStudioError(error);
    // expected errors are one line; a stack only for a bug (a non-StudioError) or with --debug / STUDIO_DEBUG=1
    if (debug || !(error instanceof StudioError || studioError.code === 'CANCELLED')) io.stderr(`${(error as Error)?.stack ?? String(error)}\n`);
    io.stderr(`studio ${name}: ${studioError.message.split('\n').join(' ')}\n`);
    return EXIT_CODES[studioError.code];
  } finally {
    await ctx?.close();
  }
}
