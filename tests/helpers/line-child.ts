// A TypeScript child process driven by lines: the parent sends commands on stdin and awaits reply lines on stdout,
// so several children can be released at the same moment (a barrier on events, not on sleeps).
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export interface LineChild {
  process: ChildProcess;
  /** Resolves with the next stdout line (rejects when the child exits first). */
  nextLine(): Promise<string>;
  send(line: string): void;
  /** Resolves with the exit code once the child has ended. */
  exited: Promise<number | null>;
}

export function spawnLineChild(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): LineChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const lines: string[] = [];
  const waiters: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let ended = false;
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(line);
    else lines.push(line);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      ended = true;
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`${script} exited with ${code} before answering`));
      resolve(code);
    });
  });
  return {
    process: child,
    exited,
    nextLine: () => {
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (ended) return Promise.reject(new Error(`${script} has exited`));
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    send: (line) => child.stdin!.write(`${line}\n`),
  };
}
