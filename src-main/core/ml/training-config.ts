// The full training configuration of a run (every knob needed to repeat it), its defaults, and how a request fills it.
import { z } from 'zod';
import { AugmentationConfig, BackendName, type TrainingConfigInput } from '../../api/training-schemas.js';

export const TrainingConfig = z.object({
  epochs: z.number().int().min(1).max(500),
  batchSize: z.number().int().min(1).max(1024),
  learningRate: z.number().positive().max(1),
  /** fraction of each class held out for validation (ignored with k-fold) */
  valSplit: z.number().min(0.05).max(0.5),
  seed: z.number().int().min(0).max(0xffffffff),
  augmentation: AugmentationConfig,
  /** 0 = frozen backbone */
  fineTuneLayers: z.number().int().min(0).max(160),
  fineTuneEpochs: z.number().int().min(0).max(200),
  /** 0 = one train/validation split; K ≥ 2 = K heads, out-of-fold probabilities for every labeled photo */
  kfold: z.number().int().min(0).max(20).refine((k) => k !== 1, 'k-fold needs k = 0 (off) or k ≥ 2'),
  alpha: z.number().positive().max(1.4),
  inputSize: z.number().int().min(96).max(320).multipleOf(32),
  resize: z.enum(['center-crop', 'fill']),
  mirror: z.boolean(),
  hiddenUnits: z.array(z.number().int().min(1).max(4096)).max(4),
  dropout: z.number().min(0).max(0.9),
  classWeights: z.enum(['none', 'balanced']),
  /** null = best available */
  backend: BackendName.nullable(),
  /** null = the default weights location */
  weightsDir: z.string().max(4096).nullable(),
});
export type TrainingConfig = z.infer<typeof TrainingConfig>;

/** Chosen from the measurements in docs/training.md. */
export const DEFAULT_TRAINING_CONFIG: TrainingConfig = TrainingConfig.parse({
  epochs: 20,
  batchSize: 32,
  learningRate: 1e-3,
  valSplit: 0.2,
  seed: 1,
  augmentation: AugmentationConfig.parse({}),
  fineTuneLayers: 0,
  fineTuneEpochs: 0,
  kfold: 5,
  alpha: 1,
  inputSize: 288,
  resize: 'center-crop',
  mirror: true,
  hiddenUnits: [],
  dropout: 0.2,
  classWeights: 'balanced',
  backend: null,
  weightsDir: null,
});

/** Fills a request from the defaults (the last-used settings, for the app); the result is validated. */
export function resolveTrainingConfig(
  input: TrainingConfigInput,
  defaults: TrainingConfig = DEFAULT_TRAINING_CONFIG,
): TrainingConfig {
  const { augmentation, ...rest } = input;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return TrainingConfig.parse({
    ...defaults,
    ...defined,
    augmentation: { ...defaults.augmentation, ...Object.fromEntries(Object.entries(augmentation ?? {}).filter(([, v]) => v !== undefined)) },
  });
}

/** True when any augmentation is switched on (then `augmentation.views` augmented views are cached per photo). */
export function usesAugmentation(config: TrainingConfig): boolean {
  const a = config.augmentation;
  return [a.flip, a.rotation, a.zoom, a.translate, a.brightness, a.contrast].some((t) => t.enabled);
}
