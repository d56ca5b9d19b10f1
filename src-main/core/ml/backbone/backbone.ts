// A ready backbone: MobileNetV2 built for one alpha and input size with weights loaded, its id for the feature
// cache, and the fused inference graph derived from it.
import type { LayersModel } from '@tensorflow/tfjs';
import type { Tf } from './backend.js';
import { foldBackbone, type FusedBackbone } from './fold-batchnorm.js';
import { createMobileNetV2, planMobileNetV2, type MobileNetV2Plan } from './mobilenet-v2.js';
import { assignWeightsByName, readWeightsFolder } from './weights.js';
import { DEFAULT_TRAINING_CONFIG, RESIZE_MODES } from '../../../api/training-settings.js';

/**
 * 'center-crop': short side scaled to size / CENTER_CROP_FRACTION, the centre square kept (the ImageNet evaluation
 * recipe); 'fill': the whole frame stretched to a square (Keras image_dataset_from_directory, the article's recipe).
 */
export type ResizeMode = (typeof RESIZE_MODES)[number];
/** Chosen from the measurements in docs/training.md; defined with the other defaults in api/training-settings.ts. */
export const DEFAULT_RESIZE_MODE: ResizeMode = DEFAULT_TRAINING_CONFIG.resize;

/** Characters of the weights checksum kept in a backbone id: enough to tell weight files apart. */
const ID_CHECKSUM_CHARS = 8;

export interface BackboneConfig {
  alpha: number;
  inputSize: number;
  /** how photos become model input (preprocess.ts); default DEFAULT_RESIZE_MODE */
  resize?: ResizeMode;
  weightsDir: string;
  expectedSha256?: string;
  /** where the ONNX Runtime engine caches the backbone's .onnx graph (a library folder); none: built in memory */
  onnxCacheDir?: string;
}

export interface LoadedBackbone {
  /** e.g. 'mobilenet_v2_0.35_e159deb3': architecture + weights; with the input size it keys cached features */
  id: string;
  plan: MobileNetV2Plan;
  /** the layers model (frozen); use it for fine-tuning */
  model: LayersModel;
  weightsSha256: string;
}

export function backboneId(alpha: number, weightsSha256: string): string {
  return `mobilenet_v2_${alpha.toFixed(2)}_${weightsSha256.slice(0, ID_CHECKSUM_CHARS)}`;
}

export async function loadBackbone(tf: Tf, config: BackboneConfig & { trainable?: boolean }): Promise<LoadedBackbone> {
  const plan = planMobileNetV2(config);
  const folder = await readWeightsFolder(config.weightsDir, config.expectedSha256 ? { expectedSha256: config.expectedSha256 } : {});
  const model = createMobileNetV2(tf, { alpha: config.alpha, inputSize: config.inputSize, trainable: config.trainable ?? false });
  try {
    assignWeightsByName(tf, model, folder);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { id: backboneId(config.alpha, folder.sha256), plan, model, weightsSha256: folder.sha256 };
}

/** The fast inference graph; the layers model is disposed unless `keepModel`. */
export async function loadFusedBackbone(
  tf: Tf,
  config: BackboneConfig,
  options: { keepModel?: boolean } = {},
): Promise<{ id: string; fused: FusedBackbone; model: LayersModel | null }> {
  const loaded = await loadBackbone(tf, config);
  const fused = foldBackbone(tf, loaded.model, loaded.plan);
  if (options.keepModel) return { id: loaded.id, fused, model: loaded.model };
  loaded.model.dispose();
  return { id: loaded.id, fused, model: null };
}
