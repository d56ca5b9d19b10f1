// The settings table is the one definition: defaults, bounds and combinations all come from it.
import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../src-main/api/dispatch.js';
import { StudioError } from '../../src-main/api/errors.js';
import { describeChanges, describeSettings, settingChanges } from '../../src-main/api/training-settings-diff.js';
import { resolveTrainingConfig } from '../../src-main/api/training-settings-rules.js';
import { DEFAULT_TRAINING_CONFIG, TRAINING_FIELDS, settingValue } from '../../src-main/api/training-settings.js';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('INVALID_INPUT');
    return (error as StudioError).message;
  }
  throw new Error('expected a refusal');
}

describe('the training settings table', () => {
  it('gives every field a default inside its own bounds, and the defaults are built from those', () => {
    for (const f of TRAINING_FIELDS) {
      expect(settingValue(DEFAULT_TRAINING_CONFIG, f.key)).toEqual(f.default);
      if (f.kind === 'number') {
        expect(f.default as number).toBeGreaterThanOrEqual(f.min as number);
        expect(f.default as number).toBeLessThanOrEqual(f.max as number);
        expect(f.label && f.help && f.flag && f.step).toBeTruthy();
      }
    }
  });

  it('covers every key of the full config', () => {
    const keys = new Set(TRAINING_FIELDS.map((f) => f.key.split('.')[0]));
    expect([...keys].sort()).toEqual(Object.keys(DEFAULT_TRAINING_CONFIG).sort());
    const augmentationKeys = TRAINING_FIELDS.filter((f) => f.key.startsWith('augmentation.')).map((f) => f.key.slice(13));
    expect(augmentationKeys.sort()).toEqual(Object.keys(DEFAULT_TRAINING_CONFIG.augmentation).sort());
  });

  it('refuses k-fold 1 at the API boundary with the reason', () => {
    const message = refusal(() => parseRequest('training.start', { kfold: 1 }));
    expect(message).toContain('k-fold 1 is not a split');
  });

  it('refuses values outside the table bounds at the API boundary', () => {
    refusal(() => parseRequest('training.start', { epochs: 501 }));
    refusal(() => parseRequest('training.start', { inputSize: 200 }));
    expect(parseRequest('training.start', { epochs: 500, inputSize: 192 })).toEqual({ epochs: 500, inputSize: 192 });
  });

  it('refuses fine-tune layers without fine-tune epochs, and epochs without layers, naming both settings', () => {
    expect(refusal(() => resolveTrainingConfig({ fineTuneLayers: 5 }))).toMatch(/fine-tune layers is 5 but fine-tune epochs is 0/);
    expect(refusal(() => resolveTrainingConfig({ fineTuneEpochs: 3 }))).toMatch(/fine-tune epochs is 3 but fine-tune layers is 0/);
    const carried = resolveTrainingConfig({ fineTuneLayers: 5, fineTuneEpochs: 2 });
    // carried-over epochs make layers alone valid
    expect(resolveTrainingConfig({ fineTuneLayers: 10 }, carried).fineTuneEpochs).toBe(2);
  });

  it('names the settings a refusal is about in its details, so a form shows it beside them', () => {
    const fields = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return ((error as StudioError).details as { fields?: string[] } | undefined)?.fields;
      }
      throw new Error('expected a refusal');
    };
    expect(fields(() => resolveTrainingConfig({ fineTuneLayers: 5 }))).toEqual(['fineTuneLayers', 'fineTuneEpochs']);
    expect(fields(() => resolveTrainingConfig({}, { ...DEFAULT_TRAINING_CONFIG, epochs: 0 }))).toEqual(['epochs']);
    expect(fields(() => parseRequest('training.start', { epochs: 501 }))).toBeUndefined();
  });

  it('fills a request from the last-used settings, then the defaults', () => {
    const last = resolveTrainingConfig({ epochs: 40, augmentation: { rotation: { enabled: true, strength: 15 } } });
    const next = resolveTrainingConfig({ seed: 3 }, last);
    expect(next).toMatchObject({ epochs: 40, seed: 3, batchSize: DEFAULT_TRAINING_CONFIG.batchSize });
    expect(next.augmentation.rotation).toEqual({ enabled: true, strength: 15 });
  });

  it('describes what changed between two configs in the table\'s words', () => {
    const before = resolveTrainingConfig({ epochs: 20, kfold: 0 });
    const after = resolveTrainingConfig({ epochs: 40, kfold: 5, augmentation: { flip: { enabled: true, strength: 1 } } }, before);
    const changes = settingChanges(before, after);
    expect(changes.map((c) => c.key)).toEqual(['epochs', 'kfold', 'augmentation.flip']);
    expect(describeChanges(changes)).toBe('epochs 20 → 40, k-fold 0 → 5, horizontal flip off → 1 probability');
    expect(settingChanges(after, after)).toEqual([]);
  });

  it('formats every setting of a stored config, with a dash for settings an older run did not store', () => {
    const settings = describeSettings({ epochs: 12 });
    expect(settings).toHaveLength(TRAINING_FIELDS.length);
    expect(settings.find((s) => s.key === 'epochs')?.value).toBe('12 epochs');
    expect(settings.find((s) => s.key === 'dropout')?.value).toBe('–');
  });
});
