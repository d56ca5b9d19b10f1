// `studio train / runs / run / review / eval / predict` on a labeled alpaca subset with the real 0.35 backbone:
// settings that carry over are named with what changed, three junk images top the outlier queue, and files of an
// outside folder that are photos the model trained on are reported apart.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeJunkImages } from '../helpers/junk-images.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { runCli as studio } from '../helpers/run-cli.js';
import { alpacaNames, copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ALPACA = path.join(SHARED_DIR, 'datasets', 'alpaca');
const WEIGHTS = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');
const PER_CLASS = 40;
const CLASSES = ['alpaca', 'not_alpaca'];
/** a safety net only: two trainings on a shared 2-core machine can take minutes */
const SLOW = { timeout: 900_000 };

const tmp = makeTempDir('studio-train-cli-');
const library = path.join(tmp, 'library');
const subset = path.join(tmp, 'subset');
const outside = path.join(tmp, 'outside');
/** sorted file names per class: the first PER_CLASS go into the library, the next 5 are new to it */
const names = Object.fromEntries(CLASSES.map((c) => [c, alpacaNames(c)]));
let junk: string[] = [];
const lib = (...argv: string[]) => studio(...argv, '--library', library);

beforeAll(async () => {
  copyAlpacaSubset(subset, PER_CLASS);
  junk = await writeJunkImages(path.join(subset, 'alpaca'));
  expect((await lib('import', subset, '--labels-from-folders')).code).toBe(0);
}, 900_000);

describe('studio train, runs and run', () => {
  it('says where the settings came from and what changed, and each run shows its full settings', SLOW, async () => {
    const first = await lib('train', '--weights', WEIGHTS, '--alpha', '0.35', '--epochs', '5', '--kfold', '0');
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^settings: defaults; changed: epochs \d+ → 5\b/m);

    const second = await lib('train', '--epochs', '8');
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/^settings from run 1; changed: epochs 5 → 8$/m);

    const run = await lib('run', '2');
    expect(run.stdout).toContain('settings from run 1; changed: epochs 5 → 8');
    expect(run.stdout).toMatch(/^ {4}Epochs: 8 epochs$/m);
    expect(run.stdout).toMatch(/^ {4}Backbone width \(alpha\): 0.35 ×$/m);
    const runs = await lib('runs');
    expect(runs.stdout.split('\n')[0]).toMatch(/^2\t.*\tchanged: epochs 5 → 8$/);
  });
});

describe('studio review --queue outliers', () => {
  it('puts the flat colour, the text card and the UI screenshot labeled "alpaca" in the top 10', SLOW, async () => {
    const page = (await lib('review', '--queue', 'outliers', '--limit', '10', '--json')).json();
    const top = page.items.map((i: { photo: { fileName: string } }) => i.photo.fileName);
    expect(top).toEqual(expect.arrayContaining(junk.map((j) => path.basename(j))));
    // and the grid sorts the same way
    const sorted = (await lib('photos', '--sort', 'outlierScore', '--limit', '10', '--json')).json();
    expect(sorted.items.map((p: { fileName: string }) => p.fileName)).toEqual(expect.arrayContaining(junk.map((j) => path.basename(j))));
  });
});

describe('leak check of eval and predict on an outside folder', () => {
  const seenNames: string[] = [];
  beforeAll(async () => {
    // photos the latest run trained on (split train), from the library predictions
    const predictions = (await lib('predict', '--json')).json().items as Array<{ path: string; split: string; label: string }>;
    const trained = (c: string) => predictions.filter((p) => p.split === 'train' && p.label === c && !path.basename(p.path).startsWith('junk-'));
    for (const c of CLASSES) {
      fs.mkdirSync(path.join(outside, c), { recursive: true });
      for (const name of names[c]!.slice(PER_CLASS, PER_CLASS + 5)) fs.copyFileSync(path.join(ALPACA, c, name), path.join(outside, c, `new-${name}`));
    }
    // two byte-identical copies and one re-encoded, downsized near-duplicate
    for (const p of trained('alpaca').slice(0, 2)) {
      const target = path.join(outside, 'alpaca', `copy-${path.basename(p.path)}`);
      fs.copyFileSync(p.path, target);
      seenNames.push(target);
    }
    const original = trained('not_alpaca')[0]!.path;
    const reencoded = path.join(outside, 'not_alpaca', 'reencoded.jpg');
    const { width } = await sharp(original).metadata();
    await sharp(original).resize(Math.round((width ?? 400) * 0.7)).jpeg({ quality: 60 }).toFile(reencoded);
    seenNames.push(reencoded);
  }, 900_000);

  it('eval counts and lists the files seen in training and gives the accuracy on the others apart', SLOW, async () => {
    const result = await lib('eval', outside, '--json');
    expect(result.code).toBe(0);
    const evaluation = result.json();
    expect(evaluation.photos).toBe(13);
    expect(evaluation.seenInTraining.map((m: { path: string }) => m.path).sort()).toEqual([...seenNames].sort());
    expect(evaluation.seenInTraining.map((m: { match: string }) => m.match).sort()).toEqual(['identical', 'identical', 'near-duplicate']);
    expect(evaluation.unseen.photos).toBe(10);
    expect(evaluation.unseen.metrics.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(10);

    const text = await lib('eval', outside);
    expect(text.stdout).toMatch(/^accuracy on the 10 file\(s\) not seen in training: \d\.\d{4}$/m);
    expect(text.stdout).toContain('3 of 13 file(s) match photos used in training:');
    expect(text.stdout).toMatch(/reencoded\.jpg: near-duplicate \(\d+ bits\) of library photo \d+/);
  });

  it('predict marks each file seen in training', SLOW, async () => {
    const result = (await lib('predict', outside, '--json')).json();
    expect(result.items).toHaveLength(13);
    expect(result.items.filter((i: { seenInTraining: boolean }) => i.seenInTraining).map((i: { path: string }) => i.path).sort()).toEqual([...seenNames].sort());
    expect(result.seenInTraining).toHaveLength(3);
  });
});
