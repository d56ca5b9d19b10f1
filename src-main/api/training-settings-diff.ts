// Settings shown to people: one value formatted by its table row, and what changed between two runs' settings.
import { z } from 'zod';
import { TRAINING_FIELDS, settingValue, type SettingField } from './training-settings.js';

export const SettingChange = z.object({ key: z.string(), label: z.string(), from: z.string(), to: z.string() });
export type SettingChange = z.infer<typeof SettingChange>;

export function formatSetting(f: SettingField, value: unknown): string {
  if (value === undefined) return '–';
  if (value === null) return f.kind === 'choice' ? 'auto' : 'default';
  if (f.kind === 'augmentation') {
    const { enabled, strength } = value as { enabled: boolean; strength: number };
    return enabled ? `${strength}${f.unit === '°' ? '°' : ` ${f.unit}`}` : 'off';
  }
  if (f.kind === 'switch') return value ? 'on' : 'off';
  if (f.kind === 'list') return (value as number[]).length ? (value as number[]).join(',') : 'none';
  return String(value);
}

export const SettingValue = z.object({ key: z.string(), group: z.string(), label: z.string(), value: z.string() });
export type SettingValue = z.infer<typeof SettingValue>;

/** Every table setting of a config, formatted, in table order (what a run shows as its settings). */
export function describeSettings(config: object): SettingValue[] {
  return TRAINING_FIELDS.map((f) => {
    const value = formatSetting(f, settingValue(config, f.key));
    return { key: f.key, group: f.group, label: f.label, value: f.kind === 'number' && f.unit && value !== '–' ? `${value} ${f.unit}` : value };
  });
}

/** The settings whose shown value differs; `previous` null compares with nothing (no changes). */
export function settingChanges(previous: object | null, next: object): SettingChange[] {
  if (!previous) return [];
  return TRAINING_FIELDS.flatMap((f) => {
    const from = formatSetting(f, settingValue(previous, f.key));
    const to = formatSetting(f, settingValue(next, f.key));
    return from === to ? [] : [{ key: f.key, label: f.label, from, to }];
  });
}

/** "epochs 20 → 40, k-fold 0 → 5" */
export function describeChanges(changes: readonly SettingChange[]): string {
  return changes.map((c) => `${c.label.toLowerCase()} ${c.from} → ${c.to}`).join(', ');
}
