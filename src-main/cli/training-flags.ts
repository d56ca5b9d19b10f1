// The `studio train` options, derived from the settings table (api/training-settings.ts): flags, their parsing
// with the table's bounds (one line naming the flag on a bad value), and the --help lines.
import { StudioError } from '../api/errors.js';
import type { AugmentationConfig, TrainingConfigInput } from '../api/training-schemas.js';
import { AUGMENTATION_NAMES, DEFAULT_TRAINING_CONFIG, TRAINING_FIELDS, type AugmentationName, type SettingField } from '../api/training-settings.js';
import { formatSetting } from '../api/training-settings-diff.js';
import type { OptionSpec, ParsedCommand } from './parse-command.js';

const flagFields = TRAINING_FIELDS.filter((f) => f.kind !== 'augmentation');

export const TRAIN_OPTIONS: OptionSpec = Object.fromEntries([...new Set(TRAINING_FIELDS.map((f) => f.flag))].map((flag) => [flag, { type: 'string' as const }]));

const placeholder = (f: SettingField) =>
  f.kind === 'number' ? (f.integer ? 'N' : 'X') : f.kind === 'list' ? 'N,N…|none' : f.kind === 'choice' ? (f.choices ?? []).filter((c) => c !== null).join('|') : f.kind === 'switch' ? 'on|off' : 'DIR';

export const TRAIN_USAGE = `train ${flagFields.map((f) => `[--${f.flag} ${placeholder(f)}]`).join(' ')} [--augment ${AUGMENTATION_NAMES.join(',')}[:STRENGTH]…|none]`;

function range(f: SettingField): string {
  return `${f.integer ? 'a whole number' : 'a number'} from ${f.min} to ${f.max}${f.snap ? ` in steps of ${f.step}` : ''}`;
}

/** One line per setting: flag, label, bounds, default, help. */
export function trainHelp(): string {
  const lines = ['settings (unset ones carry over from the last run, else the default):'];
  for (const f of TRAINING_FIELDS) {
    if (f.kind === 'augmentation') continue;
    const bounds = f.kind === 'number' ? `${f.min}–${f.max}${f.unit ? ` ${f.unit}` : ''}` : f.kind === 'list' ? `up to 4 of ${f.min}–${f.max}` : '';
    lines.push(`  --${`${f.flag} ${placeholder(f)}`.padEnd(28)} ${f.label}${bounds ? ` (${bounds})` : ''}${f.default === null ? '' : `, default ${formatSetting(f, f.default)}`}: ${f.help}`);
  }
  lines.push(`  --${'augment NAME[:STRENGTH],…'.padEnd(28)} augmentations switched on (the others off; none = all off):`);
  for (const f of TRAINING_FIELDS.filter((x) => x.kind === 'augmentation')) {
    const d = f.default as { strength: number };
    lines.push(`      ${f.key.slice('augmentation.'.length).padEnd(12)} ${f.label}: strength 0–${f.max} ${f.unit}, default ${d.strength}; ${f.help}`);
  }
  return lines.join('\n');
}

function numberFlag(f: SettingField, raw: string): number {
  const n = Number(raw);
  const ok = raw.trim() !== '' && Number.isFinite(n) && (!f.integer || Number.isInteger(n)) && n >= (f.min as number) && n <= (f.max as number) && (!f.snap || n % (f.step as number) === 0);
  if (!ok) throw new StudioError('INVALID_INPUT', `--${f.flag} expects ${range(f)}; received "${raw}"`);
  if (f.refuse && n === f.refuse.value) throw new StudioError('INVALID_INPUT', `--${f.flag} ${raw}: ${f.refuse.why}`);
  return n;
}

function listFlag(f: SettingField, raw: string): number[] {
  if (raw.trim() === 'none' || raw.trim() === '') return [];
  const items = raw.split(',').map((s) => s.trim());
  const values = items.map(Number);
  if (values.length > 4 || values.some((v) => !Number.isInteger(v) || v < (f.min as number) || v > (f.max as number))) {
    throw new StudioError('INVALID_INPUT', `--${f.flag} expects up to 4 whole numbers from ${f.min} to ${f.max} separated by commas, or none; received "${raw}"`);
  }
  return values;
}

/** `--augment flip,rotation:15,zoom` → those switched on (strength from the table unless given), the others off. */
export function parseAugmentList(list: string): Partial<AugmentationConfig> {
  const result: Partial<Record<AugmentationName, { enabled: boolean; strength: number }>> = {};
  for (const name of AUGMENTATION_NAMES) result[name] = { ...DEFAULT_TRAINING_CONFIG.augmentation[name], enabled: false };
  if (list.trim() === 'none') return result;
  for (const item of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, strength] = item.split(':');
    const f = TRAINING_FIELDS.find((x) => x.kind === 'augmentation' && x.key === `augmentation.${name}`);
    if (!f) throw new StudioError('INVALID_INPUT', `--augment expects names from ${AUGMENTATION_NAMES.join(', ')} (optionally name:strength); received "${name}"`);
    const value = strength === undefined ? (f.default as { strength: number }).strength : Number(strength);
    if (!Number.isFinite(value) || value < 0 || value > (f.max as number)) {
      throw new StudioError('INVALID_INPUT', `--augment ${name}: expected a strength from 0 to ${f.max} after ':'; received "${strength}"`);
    }
    result[name as AugmentationName] = { enabled: true, strength: value };
  }
  return result;
}

export function trainingInputFromFlags(cmd: ParsedCommand): TrainingConfigInput {
  const input: Record<string, unknown> = {};
  const augmentation: Record<string, unknown> = {};
  for (const f of flagFields) {
    const raw = cmd.option(f.flag);
    if (raw === undefined) continue;
    let value: unknown = raw;
    if (f.kind === 'number') value = numberFlag(f, raw);
    else if (f.kind === 'list') value = listFlag(f, raw);
    else if (f.kind === 'switch') {
      if (raw !== 'on' && raw !== 'off') throw new StudioError('INVALID_INPUT', `--${f.flag} expects on or off; received "${raw}"`);
      value = raw === 'on';
    }
    else if (f.kind === 'choice' && !(f.choices ?? []).includes(raw)) {
      throw new StudioError('INVALID_INPUT', `--${f.flag} expects one of ${(f.choices ?? []).filter((c) => c !== null).join(', ')}; received "${raw}"`);
    }
    if (f.key.startsWith('augmentation.')) augmentation[f.key.slice('augmentation.'.length)] = value;
    else input[f.key] = value;
  }
  const augment = cmd.option('augment');
  if (augment !== undefined) Object.assign(augmentation, parseAugmentList(augment));
  if (Object.keys(augmentation).length > 0) input.augmentation = augmentation;
  return input as TrainingConfigInput;
}
