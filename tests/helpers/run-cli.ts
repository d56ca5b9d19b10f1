// Runs the `studio` CLI in this process with captured output: exit code, stdout, stderr, and stdout parsed as JSON.
import { main } from '../../src-main/cli.js';
import type { CliIo } from '../../src-main/cli/cli-context.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as JSON (commands run with --json); tests walk it freely unless they name its type */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk the printed JSON freely
  json<T = any>(): T;
}

export async function runCli(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += `${t}\n`), stderr: (t) => (stderr += t), stderrIsTty: false };
  const code = await main(argv, io);
  return { code, stdout, stderr, json: <T,>() => JSON.parse(stdout) as T };
}
