// `studio explain` on an alpaca library trained with the real 0.35 backbone: the PNG is the upright photo with the
// map over it, the answer names the class and method (CAM for a one-layer head, Grad-CAM through hidden layers),
// a centre-cropped run's map lies on the centre square, results are cached per run, and bad requests exit 2 / 3.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PhotoExplanation } from '../../src-main/api/explain-schemas.js';
import { openStudio } from '../../src-main/core/studio.js';
import { alpacaNames, copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { runCli as studio } from '../helpers/run-cli.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const WEIGHTS = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');
const SLOW = { timeout: 300_000 };
const tmp = makeTempDir('studio-explain-');
const library = path.join(tmp, 'library');
const subset = path.join(tmp, 'subset');
const lib = (...argv: string[]) => studio(...argv, '--library', library);
const FAST = ['--weights', WEIGHTS, '--alpha', '0.35', '--input-size', '96', '--mirror', 'off', '--epochs', '3', '--kfold', '0', '--val-split', '0.3', '--json'];

let alpacaPhoto: string;
let fillRun: number;

beforeAll(async () => {
  copyAlpacaSubset(subset, 6);
  alpacaPhoto = path.join(subset, 'alpaca', alpacaNames('alpaca')[0]!);
  expect((await lib('import', subset, '--labels-from-folders')).code).toBe(0);
  const train = await lib('train', ...FAST, '--resize', 'fill');
  expect(train.code, train.stderr).toBe(0);
  fillRun = train.json<{ id: number }>().id;
}, 600_000);

/** The probability of the explained class that the explained run stored for the photo. */
async function storedProbability(explanation: PhotoExplanation): Promise<number> {
  const core = openStudio(library);
  try {
    const photo = await core.api['photos.get']({ id: explanation.photoId });
    expect(photo.prediction?.runId).toBe(explanation.runId);
    return photo.probabilities!.find((c) => c.name === explanation.className)!.p;
  } finally {
    await core.close();
  }
}

describe('studio explain', () => {
  it('writes the photo with the class activation map over it and names the class', SLOW, async () => {
    const out = path.join(tmp, 'explained.png');
    const result = await lib('explain', alpacaPhoto, '--out', out, '--json');
    expect(result.code, result.stderr).toBe(0);
    const explanation = result.json<PhotoExplanation>();
    expect(explanation).toMatchObject({ runId: fillRun, method: 'cam', size: 3, region: { x: 0, y: 0, width: 1, height: 1 } });
    expect(['alpaca', 'not_alpaca']).toContain(explanation.className);
    expect(explanation.values).toHaveLength(9);
    expect(Math.max(...explanation.values)).toBe(1);
    // the map's forward pass is the run's own: it gives the probability the run stored for the photo (mirror off)
    expect(explanation.probability).toBeCloseTo(await storedProbability(explanation), 3);
    const [png, photo] = await Promise.all([sharp(out).metadata(), sharp(alpacaPhoto).rotate().metadata()]);
    expect(png.format).toBe('png');
    const upright = { width: photo.autoOrient?.width ?? photo.width!, height: photo.autoOrient?.height ?? photo.height! };
    expect(png.width! / png.height!).toBeCloseTo(upright.width / upright.height, 2);
    expect(Math.max(png.width!, png.height!)).toBe(Math.min(1024, Math.max(upright.width, upright.height)));
  });

  it('explains another class when asked, and keeps each answer in the run’s cache', SLOW, async () => {
    const predicted = (await lib('explain', alpacaPhoto, '--out', path.join(tmp, 'a.png'), '--json')).json<PhotoExplanation>();
    const other = predicted.className === 'alpaca' ? 'not_alpaca' : 'alpaca';
    const asked = await lib('explain', alpacaPhoto, '--class', other, '--out', path.join(tmp, 'b.png'), '--json');
    expect(asked.code, asked.stderr).toBe(0);
    const explanation = asked.json<PhotoExplanation>();
    expect(explanation.className).toBe(other);
    expect(explanation.probability).toBeCloseTo(1 - predicted.probability, 5);
    expect(fs.readdirSync(path.join(library, 'models', `run-${fillRun}`, 'explanations'))).toHaveLength(2);
  });

  it('uses Grad-CAM through hidden layers, on the centre square of a centre-cropped run', SLOW, async () => {
    const train = await lib('train', ...FAST, '--resize', 'center-crop', '--hidden-units', '16');
    expect(train.code, train.stderr).toBe(0);
    const result = await lib('explain', alpacaPhoto, '--out', path.join(tmp, 'grad.png'), '--json');
    expect(result.code, result.stderr).toBe(0);
    const explanation = result.json<PhotoExplanation>();
    expect(explanation.method).toBe('grad-cam');
    const meta = await sharp(alpacaPhoto).rotate().metadata();
    const width = meta.autoOrient?.width ?? meta.width!;
    const height = meta.autoOrient?.height ?? meta.height!;
    const side = Math.min(width, height) * 0.875;
    expect(explanation.region.width * width).toBeCloseTo(side, 3);
    expect(explanation.region.height * height).toBeCloseTo(side, 3);
    expect(explanation.region.x + explanation.region.width / 2).toBeCloseTo(0.5, 5);
  });

  it('explains a fine-tuned run through its fine-tuned classifier, with the probability the run stored', SLOW, async () => {
    const train = await lib('train', ...FAST, '--resize', 'fill', '--hidden-units', 'none', '--fine-tune-layers', '4', '--fine-tune-epochs', '1');
    expect(train.code, train.stderr).toBe(0);
    const runId = train.json<{ id: number }>().id;
    const result = await lib('explain', alpacaPhoto, '--out', path.join(tmp, 'fine.png'), '--json');
    expect(result.code, result.stderr).toBe(0);
    const explanation = result.json<PhotoExplanation>();
    expect(explanation).toMatchObject({ runId, method: 'cam', size: 3 });
    expect(explanation.probability).toBeCloseTo(await storedProbability(explanation), 3);
  });

  it('refuses a request without --out (2), a photo not in the library (3) and a library without a run (3)', SLOW, async () => {
    expect((await lib('explain', alpacaPhoto)).code).toBe(2);
    expect((await lib('explain', path.join(tmp, 'nowhere.jpg'), '--out', path.join(tmp, 'x.png'))).code).toBe(3);
    const empty = path.join(tmp, 'empty-library');
    expect((await studio('import', path.join(subset, 'alpaca'), '--library', empty)).code).toBe(0);
    const untrained = await studio('explain', alpacaPhoto, '--out', path.join(tmp, 'y.png'), '--library', empty);
    expect(untrained.code).toBe(3);
    expect(untrained.stderr).toMatch(/train a model first/);
  });
});
