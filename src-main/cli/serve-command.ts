// `studio serve`: browser mode. Starts the HTTP server over the library, prints the URL with its token (as
// Jupyter does) and runs until SIGINT/SIGTERM, then stops the server; the CLI closes the studio (jobs, db).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../api/errors.js';
import type { CliCommand } from './commands.js';
import type { CliContext } from './cli-context.js';
import type { ParsedCommand } from './parse-command.js';
import { watchReporter } from './watch-lines.js';

/** Where `npm run build` puts the renderer, relative to this file (src-main/cli/ or the built dist/main/cli/ → dist/renderer/). */
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/renderer/' : '../../renderer/', import.meta.url));

export async function serveCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  if (cmd.positionals.length > 0) throw new StudioError('INVALID_INPUT', `usage: studio ${SERVE_COMMAND.usage}`);
  const port = cmd.intOption('port') ?? 0;
  if (port < 0 || port > 65_535) throw new StudioError('INVALID_INPUT', `--port expects 0–65535; received ${port}`);
  // STUDIO_TOKEN (as JUPYTER_TOKEN): a fixed token, so a restarted server keeps open pages working; an environment
  // variable rather than a flag, because command lines are visible to every user of the machine
  const fixedToken = process.env.STUDIO_TOKEN;
  if (fixedToken !== undefined && !/^[A-Za-z0-9_-]{16,200}$/.test(fixedToken)) {
    throw new StudioError('INVALID_INPUT', 'STUDIO_TOKEN expects 16–200 letters, digits, "-" or "_"; received a value that is not');
  }
  const studio = ctx.studio();
  // the HTTP server's modules load only for `serve`, not with every command
  const { startServer } = await import('../server.js');
  const server = await startServer({
    ...(fixedToken ? { token: fixedToken } : {}),
    studio,
    host: cmd.option('host') ?? '127.0.0.1',
    port,
    allowRemote: cmd.flag('allow-remote'),
    rendererDir: cmd.option('renderer-dir') ?? DEFAULT_RENDERER_DIR,
    log: {
      warn: (message) => ctx.io.stderr(`${message}\n`),
      error: (message, error) => ctx.io.stderr(`${message} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
    },
  });
  ctx.io.stderr(`Serving the library ${ctx.libraryDir}\nOpen this URL in a browser (it contains the access token; keep it private):\n`);
  ctx.io.stdout(server.url);
  const watchDir = cmd.option('watch');
  // a bad folder ends the command with its one-line error (exit 2 / 3) before anything is imported
  const watch = watchDir ? studio.watch(path.resolve(watchDir), watchReporter((line) => ctx.io.stderr(`${line}\n`))) : null;
  if (watch) ctx.io.stderr(`Watching ${watch.root}: new photos are imported and predicted as they appear.\n`);
  ctx.io.stderr('Press Ctrl+C to stop.\n');

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (name: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // A second Ctrl+C while shutting down quits at once.
      process.once('SIGINT', () => process.exit(130));
      resolve(name);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  ctx.io.stderr(`${signal}: stopping the server, cancelling jobs, closing the library…\n`);
  watch?.close();
  await server.close();
  await studio.close();
  return 0;
}

export const SERVE_COMMAND: CliCommand = {
  summary: 'browser mode: serve the studio over HTTP on 127.0.0.1 and print its URL with an access token',
  usage: 'serve [--port N] [--host H --allow-remote] [--renderer-dir DIR] [--watch DIR]',
  options: { watch: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, 'allow-remote': { type: 'boolean' }, 'renderer-dir': { type: 'string' } },
  run: serveCommand,
};
