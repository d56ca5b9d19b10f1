// The real `studio` bin in child processes: documented exit codes for job commands, one-line errors on stderr,
// and one training per library when three processes start at once.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const BIN = fileURLToPath(new URL('../../bin/studio.js', import.meta.url));
const WEIGHTS_035 = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');
const ALPACA = path.join(SHARED_DIR, 'datasets', 'alpaca');

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Running {
  child: ReturnType<typeof spawn>;
  /** resolves when a line on stderr matches */
  stderrLine(pattern: RegExp): Promise<void>;
  done: Promise<Finished>;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, STUDIO_DEBUG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiters) if (w.pattern.test(stderr)) w.resolve();
  });
  const done = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    done,
    stderrLine: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stderr)) return resolve();
        waiters.push({ pattern, resolve });
        void done.then(() => reject(new Error(`exited before ${pattern}: ${stderr}`)));
      }),
  };
}

const studio = (...args: string[]) => start(args).done;

describe('studio exit codes (real processes)', () => {
  const tmp = makeTempDir('cli-exit-');
  const library = path.join(tmp, 'library');
  const empty = path.join(tmp, 'empty-library');

  beforeAll(async () => {
    const imported = await studio('import', copyAlpacaSubset(path.join(tmp, 'photos'), 8), '--labels-from-folders', '--library', library);
    expect(imported.code).toBe(0);
  }, 60_000);

  describe('a weights problem is one line on stderr and exit 2', () => {
    const truncated = path.join(tmp, 'truncated');
    const notModel = path.join(tmp, 'not-a-model');
    beforeAll(() => {
      fs.mkdirSync(truncated);
      fs.copyFileSync(path.join(WEIGHTS_035, 'model.json'), path.join(truncated, 'model.json'));
      fs.writeFileSync(path.join(truncated, 'weights.bin'), fs.readFileSync(path.join(WEIGHTS_035, 'weights.bin')).subarray(0, 100_000));
      fs.mkdirSync(notModel);
      fs.writeFileSync(path.join(notModel, 'model.json'), JSON.stringify({ format: 'layers-model', weightsManifest: [{ paths: [], weights: [] }] }));
    });

    it.each([
      ['a missing folder', () => [path.join(tmp, 'no-such-folder')], /no-such-folder.*: no such folder$/],
      ['a folder without model.json', () => [ALPACA], /alpaca.*: not a model folder \(no model\.json\)$/],
      ['a truncated weights.bin', () => [truncated], /truncated: weights\.bin is truncated: 100000 bytes/],
      ['the 0.35 weights with --alpha 1.0', () => [WEIGHTS_035, '--alpha', '1.0'], /alpha 1, but the weights in .*0\.35.* are alpha 0\.35 \(tensor Conv1\/kernel has 16 output channels, alpha 1 needs 32\)$/],
      ['a model.json that holds no MobileNetV2', () => [notModel], /not-a-model: not MobileNetV2 weights \(no tensor Conv1\/kernel/],
    ])('with %s', async (_name, args, message) => {
      const [weights, ...rest] = args();
      const result = await studio('train', '--library', library, '--weights', weights!, ...rest);
      expect(result.code).toBe(2);
      expect(result.stderr.endsWith('\n')).toBe(true);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr.trimEnd()).toMatch(message);
      expect(result.stderr).toMatch(/^studio train: /);
    });
  });

  it('maps a job failure to its code: eval and predict without a finished run exit 3, train with nothing labeled exits 2', async () => {
    const [evalResult, predictResult, trainResult] = await Promise.all([
      studio('eval', ALPACA, '--library', empty),
      studio('predict', ALPACA, '--library', empty),
      studio('train', '--library', empty, '--weights', WEIGHTS_035),
    ]);
    for (const [result, code, message] of [
      [evalResult, 3, /^studio eval: No finished training run yet/],
      [predictResult, 3, /^studio predict: No finished training run yet/],
      [trainResult, 2, /^studio train: Training needs labeled photos in at least 2 classes/],
    ] as const) {
      // progress lines may come first; the error is the last line, and no stack is printed
      const lines = result.stderr.trimEnd().split('\n');
      expect({ code: result.code, last: lines.at(-1) }).toMatchObject({ code, last: expect.stringMatching(message) });
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);

  it('prints the stack only with --debug', async () => {
    const result = await studio('eval', ALPACA, '--library', empty, '--debug');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it('runs one training when three processes start at once: the others exit 4 with one line', async () => {
    const trains = [0, 1, 2].map(() => start(['train', '--library', library, '--weights', WEIGHTS_035, '--epochs', '500', '--kfold', '0', '--input-size', '96']));
    const codes = new Map<Running, number | null>();
    for (const t of trains) void t.done.then((r) => codes.set(t, r.code));
    // the two that lose exit on their own; the winner trains until it is interrupted
    const losers = await new Promise<Running[]>((resolve) => {
      const check = () => {
        const exited = trains.filter((t) => codes.has(t));
        if (exited.length >= 2) resolve(exited);
      };
      for (const t of trains) void t.done.then(check);
    });
    const [winner] = trains.filter((t) => !losers.includes(t));
    expect(winner).toBeDefined();
    await winner!.stderrLine(/epoch \d+\/500/);
    winner!.child.kill('SIGINT');
    const won = await winner!.done;
    expect(won.code).toBe(130);
    for (const loser of losers) {
      const result = await loser.done;
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/^studio train: A training is already running on this library \(in process \d+, since [^)]+\); wait for it or cancel it\n$/);
    }
  }, 180_000);

  it('reads alpha from the weights: the 1.0 weights train without --alpha', async () => {
    const result = await studio('train', '--library', library, '--weights', path.join(SHARED_DIR, 'models', 'mobilenet_v2_1.0_imagenet_notop'), '--epochs', '2', '--kfold', '0', '--augment', 'none', '--input-size', '96', '--json');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'done', config: { alpha: 1 } });
  }, 180_000);
});
