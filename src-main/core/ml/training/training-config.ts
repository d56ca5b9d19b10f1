// The training configuration as the ML code uses it. Defined once, with its table of bounds and defaults, in
// api/training-settings.ts (change a default there); resolving a request lives in api/training-settings-rules.ts.
export { DEFAULT_TRAINING_CONFIG, TrainingConfig } from '../../../api/training-settings.js';
export { resolveTrainingConfig, usesAugmentation } from '../../../api/training-settings-rules.js';
