// The one definition of the training settings: a field table (label, unit, bounds, step, default, help, CLI flag)
// from which the full config schema, the request schema, the defaults, the CLI flags and the settings panel derive.
// A default or a bound is changed here and nowhere else.
import { z } from 'zod';

export const BackendName = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof BackendName>;

export const CLASS_WEIGHTS = ['none', 'balanced'] as const;
/** 'center-crop': short side to size / 0.875, centre square; 'fill': the whole frame stretched (the article) */
export const RESIZE_MODES = ['center-crop', 'fill'] as const;
export const AUGMENTATION_NAMES = ['flip', 'rotation', 'zoom', 'translate', 'brightness', 'contrast'] as const;
export type AugmentationName = (typeof AUGMENTATION_NAMES)[number];

export const SettingGroup = z.enum(['training', 'validation', 'backbone', 'fine-tune', 'head', 'augmentation']);

/** One row of the table. `key` is the path in the config ('augmentation.views'); numbers carry bounds and step. */
export const SettingField = z.object({
  key: z.string(),
  kind: z.enum(['number', 'choice', 'switch', 'text', 'list', 'augmentation']),
  group: SettingGroup,
  label: z.string(),
  unit: z.string(),
  help: z.string(),
  /** the `studio train` option, without the dashes */
  flag: z.string(),
  integer: z.boolean(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  step: z.number().nullable(),
  /** values must be a multiple of `step` (input size) */
  snap: z.boolean(),
  /** a value inside the bounds that is still refused, and why */
  refuse: z.object({ value: z.number(), why: z.string() }).nullable(),
  /** for 'choice'; null stands for "automatic" where the setting is nullable */
  choices: z.array(z.string().nullable()).nullable(),
  /** numbers, strings, null, a list, or {enabled, strength} for an augmentation */
  default: z.unknown(),
});
export type SettingField = z.infer<typeof SettingField>;

type FieldInit = Pick<SettingField, 'key' | 'kind' | 'group' | 'label' | 'help' | 'flag' | 'default'> & Partial<SettingField>;
const field = (init: FieldInit): SettingField => ({
  unit: '',
  integer: false,
  min: null,
  max: null,
  step: null,
  snap: false,
  refuse: null,
  choices: null,
  ...init,
});
const integer = (init: Omit<FieldInit, 'kind'> & { min: number; max: number }) => field({ kind: 'number', integer: true, step: 1, ...init });
const decimal = (init: Omit<FieldInit, 'kind'> & { min: number; max: number; step: number }) => field({ kind: 'number', ...init });
const augmentation = (name: AugmentationName, label: string, unit: string, max: number, step: number, strength: number, help: string) =>
  field({ key: `augmentation.${name}`, kind: 'augmentation', group: 'augmentation', label, unit, min: 0, max, step, flag: 'augment', help, default: { enabled: false, strength } });

/** The table, in the order the panel and `--help` show it. Defaults follow the measurements in docs/training.md. */
export const TRAINING_FIELDS: readonly SettingField[] = [
  integer({ key: 'epochs', group: 'training', label: 'Epochs', unit: 'epochs', min: 1, max: 500, flag: 'epochs', default: 20, help: 'passes over the labeled photos when training a head with hidden layers (a linear head is fitted full-batch to convergence)' }),
  integer({ key: 'batchSize', group: 'training', label: 'Batch size', unit: 'photos', min: 1, max: 1024, flag: 'batch-size', default: 32, help: 'photos per gradient step (heads with hidden layers, fine-tuning)' }),
  decimal({ key: 'learningRate', group: 'training', label: 'Learning rate', min: 0.000001, max: 1, step: 0.0001, flag: 'lr', default: 1e-3, help: 'Adam step size of a head with hidden layers (fine-tuning uses a tenth of it)' }),
  integer({ key: 'seed', group: 'training', label: 'Seed', min: 0, max: 0xffffffff, flag: 'seed', default: 1, help: 'fixes the split, the folds, the initial weights and the dropout masks' }),
  integer({
    key: 'kfold', group: 'validation', label: 'k-fold', unit: 'folds', min: 0, max: 20, flag: 'kfold', default: 5,
    refuse: { value: 1, why: 'k-fold 1 is not a split: use 0 for one train/validation split, or 2 to 20 folds' },
    help: '0 = one train/validation split; K ≥ 2 = K heads, an out-of-fold prediction for every labeled photo',
  }),
  decimal({ key: 'valSplit', group: 'validation', label: 'Validation split', unit: 'of each class', min: 0.05, max: 0.5, step: 0.05, flag: 'val-split', default: 0.2, help: 'fraction of each class held out for validation (with k-fold 0)' }),
  decimal({ key: 'alpha', group: 'backbone', label: 'Backbone width (alpha)', unit: '×', min: 0.35, max: 1.4, step: 0.05, flag: 'alpha', default: 1, help: 'MobileNetV2 width multiplier; read from the weights, a value given here is checked against them' }),
  integer({ key: 'inputSize', group: 'backbone', label: 'Input size', unit: 'px', min: 96, max: 320, step: 32, snap: true, flag: 'input-size', default: 288, help: 'side of the square image the backbone sees (the import cache serves a centre crop up to 288 px and fill up to 320 px; larger crops read the originals)' }),
  field({ key: 'resize', kind: 'choice', group: 'backbone', label: 'Resize', flag: 'resize', choices: [...RESIZE_MODES], default: 'center-crop', help: 'center-crop: short side to size / 0.875, the centre square; fill: the whole frame stretched (the article)' }),
  field({ key: 'mirror', kind: 'switch', group: 'backbone', label: 'Mirror', flag: 'mirror', default: true, help: 'train on mirror images too and average each prediction with its mirror image\'s' }),
  field({ key: 'weightsDir', kind: 'text', group: 'backbone', label: 'Backbone weights folder', flag: 'weights', default: null, help: 'a folder with the MobileNetV2 model.json and weight files; empty = the library\'s cache or the official download' }),
  field({ key: 'backend', kind: 'choice', group: 'backbone', label: 'Backend', flag: 'backend', choices: [null, ...BackendName.options], default: null, help: 'where tensors are computed; empty = the best available' }),
  integer({ key: 'fineTuneLayers', group: 'fine-tune', label: 'Fine-tune layers', unit: 'layers', min: 0, max: 160, flag: 'fine-tune-layers', default: 0, help: 'last backbone layers trained after the head; 0 keeps the backbone frozen' }),
  integer({ key: 'fineTuneEpochs', group: 'fine-tune', label: 'Fine-tune epochs', unit: 'epochs', min: 0, max: 200, flag: 'fine-tune-epochs', default: 0, help: 'epochs of fine-tuning; needs fine-tune layers ≥ 1' }),
  field({ key: 'hiddenUnits', kind: 'list', group: 'head', label: 'Hidden layers', unit: 'units', integer: true, min: 1, max: 4096, flag: 'hidden-units', default: [], help: 'units of up to 4 dense layers before the output, e.g. 128,64; empty = logistic regression' }),
  decimal({ key: 'dropout', group: 'head', label: 'Dropout', unit: 'probability', min: 0, max: 0.9, step: 0.05, flag: 'dropout', default: 0.2, help: 'dropped fraction of the features while training the head (a linear head gets the L2 penalty it amounts to)' }),
  field({ key: 'classWeights', kind: 'choice', group: 'head', label: 'Class weights', flag: 'class-weights', choices: [...CLASS_WEIGHTS], default: 'balanced', help: 'balanced weighs each class by the inverse of its photo count' }),
  augmentation('flip', 'Horizontal flip', 'probability', 1, 0.1, 1, 'mirror left–right'),
  augmentation('rotation', 'Rotation', '°', 45, 1, 10, 'random rotation up to ± this many degrees'),
  augmentation('zoom', 'Zoom', '×', 0.5, 0.05, 0.1, 'random zoom in up to 1 + this'),
  augmentation('translate', 'Translate', 'of size', 0.3, 0.05, 0.1, 'random shift up to this fraction of the image'),
  augmentation('brightness', 'Brightness', '±', 0.5, 0.05, 0.1, 'random brightness change up to ± this'),
  augmentation('contrast', 'Contrast', '±', 0.5, 0.05, 0.1, 'random contrast change up to ± this'),
  integer({ key: 'augmentation.views', group: 'augmentation', label: 'Views per photo', unit: 'views', min: 1, max: 16, flag: 'augment-views', default: 4, help: 'augmented views precomputed per photo (their features are cached)' }),
];

export function settingField(key: string): SettingField {
  const found = TRAINING_FIELDS.find((f) => f.key === key);
  if (!found) throw new Error(`no training setting "${key}"`);
  return found;
}

function numberSchema(key: string) {
  const f = settingField(key);
  let schema = z.number().min(f.min as number).max(f.max as number);
  if (f.integer) schema = schema.int();
  if (f.snap && f.step) schema = schema.multipleOf(f.step);
  const refuse = f.refuse;
  return refuse ? schema.refine((v) => v !== refuse.value, refuse.why) : schema;
}

function strengthSchema(name: AugmentationName) {
  const f = settingField(`augmentation.${name}`);
  return z.object({ enabled: z.boolean(), strength: z.number().min(0).max(f.max as number) });
}

const hidden = settingField('hiddenUnits');
const shape = {
  epochs: numberSchema('epochs'),
  batchSize: numberSchema('batchSize'),
  learningRate: numberSchema('learningRate'),
  valSplit: numberSchema('valSplit'),
  seed: numberSchema('seed'),
  fineTuneLayers: numberSchema('fineTuneLayers'),
  fineTuneEpochs: numberSchema('fineTuneEpochs'),
  kfold: numberSchema('kfold'),
  alpha: numberSchema('alpha'),
  inputSize: numberSchema('inputSize'),
  resize: z.enum(RESIZE_MODES),
  mirror: z.boolean(),
  hiddenUnits: z.array(z.number().int().min(hidden.min as number).max(hidden.max as number)).max(4),
  dropout: numberSchema('dropout'),
  classWeights: z.enum(CLASS_WEIGHTS),
  /** null = best available */
  backend: BackendName.nullable(),
  /** null = the default weights location */
  weightsDir: z.string().max(4096).nullable(),
};
const augmentationShape = {
  flip: strengthSchema('flip'),
  rotation: strengthSchema('rotation'),
  zoom: strengthSchema('zoom'),
  translate: strengthSchema('translate'),
  brightness: strengthSchema('brightness'),
  contrast: strengthSchema('contrast'),
  views: numberSchema('augmentation.views'),
};

export const AugmentationConfig = z.object(augmentationShape);
export type AugmentationConfig = z.infer<typeof AugmentationConfig>;

/** The full training configuration of a run (every knob needed to repeat it). */
export const TrainingConfig = z.object({ ...shape, augmentation: AugmentationConfig });
export type TrainingConfig = z.infer<typeof TrainingConfig>;

/** A request: any subset; the rest comes from the last-used settings, then the defaults. */
export const TrainingConfigInput = z.object({
  ...z.object(shape).partial().shape,
  backend: BackendName.optional(),
  weightsDir: z.string().max(4096).optional(),
  augmentation: AugmentationConfig.partial().optional(),
});
export type TrainingConfigInput = z.infer<typeof TrainingConfigInput>;

/** Reads a value by its table key ('augmentation.rotation') from a config or request. */
export function settingValue(config: object, key: string): unknown {
  return key.split('.').reduce<unknown>((value, part) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined), config);
}

export const DEFAULT_TRAINING_CONFIG: TrainingConfig = TrainingConfig.parse({
  ...Object.fromEntries(Object.keys(shape).map((key) => [key, settingField(key).default])),
  augmentation: Object.fromEntries(Object.keys(augmentationShape).map((name) => [name, settingField(`augmentation.${name}`).default])),
});
