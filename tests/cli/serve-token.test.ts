// `studio serve` with STUDIO_TOKEN: the printed URL carries that token (a restarted server keeps open pages
// working), and a value that is not a token is refused with exit 2 before anything listens.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';

const BIN = fileURLToPath(new URL('../../bin/studio.js', import.meta.url));

function serve(token: string): { url: Promise<string>; exit: Promise<{ code: number | null; stderr: string }>; stop(): void } {
  const child = spawn(process.execPath, [BIN, 'serve', '--library', makeTempDir('studio-serve-token-'), '--port', '0'], {
    env: { ...process.env, STUDIO_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  const url = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /https?:\/\/\S+/.exec(stdout);
      if (match) resolve(match[0]);
    });
    void exit.then(({ code, stderr: err }) => reject(new Error(`exited ${code}: ${err}`)));
  });
  url.catch(() => undefined); // a test that expects the exit does not read the URL
  return { url, exit, stop: () => child.kill('SIGTERM') };
}

describe('studio serve with STUDIO_TOKEN', () => {
  it('prints a URL with that token', async () => {
    const server = serve('a-token-kept-across-restarts');
    try {
      expect(new URL(await server.url).searchParams.get('token')).toBe('a-token-kept-across-restarts');
    } finally {
      server.stop();
      await server.exit;
    }
  });

  it('refuses a value that is not a token with exit 2 and one line', async () => {
    const { code, stderr } = await serve('short').exit;
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('STUDIO_TOKEN expects 16–200 letters');
  });
});
