// How a request becomes a full training config: request over last-used over defaults, each bound checked, then
// the combinations that cannot train refused with one clear message (INVALID_INPUT) before any job starts.
import type { z } from 'zod';
import { StudioError } from './errors.js';
import { DEFAULT_TRAINING_CONFIG, TRAINING_FIELDS, TrainingConfig, type TrainingConfigInput } from './training-settings.js';

const definedEntries = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.map(String).join('.');
  const f = TRAINING_FIELDS.find((x) => x.key === key || key.startsWith(`${x.key}.`));
  const range = f?.kind === 'number' ? ` (${f.integer ? 'a whole number ' : ''}from ${f.min} to ${f.max}${f.snap ? ` in steps of ${f.step}` : ''})` : '';
  return `${f ? `${f.label.toLowerCase()} (${key}, --${f.flag})` : key || 'settings'}: ${issue.message}${issue.code === 'custom' ? '' : range}`;
}

/** The combinations that parse but cannot train as asked; empty when the config is usable. */
export function settingsProblems(config: TrainingConfig): string[] {
  const problems: string[] = [];
  if (config.fineTuneLayers > 0 && config.fineTuneEpochs === 0) {
    problems.push(`fine-tune layers is ${config.fineTuneLayers} but fine-tune epochs is 0: set fine-tune epochs (--fine-tune-epochs) to 1 or more, or fine-tune layers to 0`);
  }
  if (config.fineTuneEpochs > 0 && config.fineTuneLayers === 0) {
    problems.push(`fine-tune epochs is ${config.fineTuneEpochs} but fine-tune layers is 0: set fine-tune layers (--fine-tune-layers) to 1 or more, or fine-tune epochs to 0`);
  }
  return problems;
}

/** Fills a request from `defaults` (the last-used settings, for the app); throws INVALID_INPUT naming the setting. */
export function resolveTrainingConfig(input: TrainingConfigInput, defaults: TrainingConfig = DEFAULT_TRAINING_CONFIG): TrainingConfig {
  const { augmentation, ...rest } = input;
  const parsed = TrainingConfig.safeParse({
    ...defaults,
    ...definedEntries(rest),
    augmentation: { ...defaults.augmentation, ...definedEntries(augmentation ?? {}) },
  });
  // details.fields: the settings' keys, so a form can show the message beside them
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.map(String).join('.')))];
    throw new StudioError('INVALID_INPUT', `Invalid training settings: ${parsed.error.issues.map(describeIssue).join('; ')}`, { fields });
  }
  const problems = settingsProblems(parsed.data);
  if (problems.length) throw new StudioError('INVALID_INPUT', `Invalid training settings: ${problems.join('; ')}`, { fields: ['fineTuneLayers', 'fineTuneEpochs'] });
  return parsed.data;
}

/** True when any augmentation is switched on (then `augmentation.views` augmented views are cached per photo). */
export function usesAugmentation(config: TrainingConfig): boolean {
  const a = config.augmentation;
  return [a.flip, a.rotation, a.zoom, a.translate, a.brightness, a.contrast].some((t) => t.enabled);
}
