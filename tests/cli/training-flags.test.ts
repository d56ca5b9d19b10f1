// `studio train` flags and --help come from the settings table; refused settings are one line and exit 2.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRAINING_FIELDS } from '../../src-main/api/training-settings.js';
import { parseAugmentList, TRAIN_OPTIONS } from '../../src-main/cli/training-flags.js';
import { runCli as studio } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('studio train flags', () => {
  const library = path.join(makeTempDir(), 'library');

  it('offers one flag per setting of the table and documents each in --help with its bounds and default', async () => {
    for (const f of TRAINING_FIELDS) expect(TRAIN_OPTIONS).toHaveProperty(f.flag);
    const { code, stdout } = await studio('train', '--help');
    expect(code).toBe(0);
    for (const f of TRAINING_FIELDS.filter((x) => x.kind !== 'augmentation')) expect(stdout).toContain(`--${f.flag} `);
    expect(stdout).toMatch(/--epochs N +Epochs \(1–500 epochs\), default 20: /);
    expect(stdout).toMatch(/--input-size N +Input size \(96–320 px\), default 288/);
  });

  it.each([
    [['--kfold', '1'], /--kfold 1: k-fold 1 is not a split/],
    [['--epochs', '900'], /--epochs expects a whole number from 1 to 500; received "900"/],
    [['--input-size', '100'], /--input-size expects a whole number from 96 to 320 in steps of 32/],
    [['--class-weights', 'heavy'], /--class-weights expects one of none, balanced/],
    [['--fine-tune-layers', '5'], /fine-tune layers is 5 but fine-tune epochs is 0/],
  ])('refuses train %j with one line and exit 2', async (flags, message) => {
    const { code, stdout, stderr } = await studio('train', '--library', library, ...flags);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('turns on exactly the listed augmentations, with the table strength unless one is given', () => {
    const parsed = parseAugmentList('flip,rotation:15');
    expect(parsed.flip).toEqual({ enabled: true, strength: 1 });
    expect(parsed.rotation).toEqual({ enabled: true, strength: 15 });
    expect(parsed.zoom?.enabled).toBe(false);
    expect(() => parseAugmentList('rotation:90')).toThrow(/strength from 0 to 45/);
  });
});
