// MobileNetV2 without its top, built like Keras `applications/mobilenet_v2.py` (same layer names, so official weights
// load by name). Paper: Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks", https://arxiv.org/abs/1801.04381
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { Tf } from './backend.js';

export const MIN_INPUT_SIZE_PX = 96;
export const MAX_INPUT_SIZE_PX = 320;
export const INPUT_SIZE_STEP_PX = 32;
/** Widths for which Keras and Teachable Machine publish ImageNet weights. */
export const IMAGENET_ALPHAS = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4] as const;
const BN_EPSILON = 1e-3;
const BN_MOMENTUM = 0.999;
const RELU_MAX = 6;

/** One `_inverted_res_block(x, expansion, stride, alpha, filters, block_id)` call of Keras, in order (paper, Table 2). */
interface InvertedResBlockCall {
  expansion: number;
  filters: number;
  stride: 1 | 2;
}

// prettier-ignore
const INVERTED_RES_BLOCK_CALLS: readonly InvertedResBlockCall[] = [
  { expansion: 1, filters: 16,  stride: 1 }, // block 0 (named expanded_conv_)
  { expansion: 6, filters: 24,  stride: 2 }, // block 1
  { expansion: 6, filters: 24,  stride: 1 },
  { expansion: 6, filters: 32,  stride: 2 }, // block 3
  { expansion: 6, filters: 32,  stride: 1 },
  { expansion: 6, filters: 32,  stride: 1 },
  { expansion: 6, filters: 64,  stride: 2 }, // block 6
  { expansion: 6, filters: 64,  stride: 1 },
  { expansion: 6, filters: 64,  stride: 1 },
  { expansion: 6, filters: 64,  stride: 1 },
  { expansion: 6, filters: 96,  stride: 1 }, // block 10
  { expansion: 6, filters: 96,  stride: 1 },
  { expansion: 6, filters: 96,  stride: 1 },
  { expansion: 6, filters: 160, stride: 2 }, // block 13
  { expansion: 6, filters: 160, stride: 1 },
  { expansion: 6, filters: 160, stride: 1 },
  { expansion: 6, filters: 320, stride: 1 }, // block 16
];

/** Keras `_make_divisible`: round to the nearest multiple of `divisor`, never more than 10% below `v`. */
export function makeDivisible(v: number, divisor: number, minValue: number = divisor): number {
  let rounded = Math.max(minValue, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * v) rounded += divisor;
  return rounded;
}

/** Keras `imagenet_utils.correct_pad` for a 3×3 kernel: [[top, bottom], [left, right]]. */
function correctPad(sizePx: number): [[number, number], [number, number]] {
  const adjust = 1 - (sizePx % 2);
  return [
    [1 - adjust, 1],
    [1 - adjust, 1],
  ];
}

export interface BlockPlan {
  blockId: number;
  /** 'expanded_conv_' for block 0, else 'block_N_' */
  prefix: string;
  inChannels: number;
  /** null for block 0, which has no expansion convolution */
  expandChannels: number | null;
  stride: 1 | 2;
  /** explicit ZeroPadding2D before a stride-2 depthwise convolution */
  pad: [[number, number], [number, number]] | null;
  outChannels: number;
  residual: boolean;
}

export interface MobileNetV2Plan {
  alpha: number;
  inputSize: number;
  firstFilters: number;
  blocks: BlockPlan[];
  lastFilters: number;
  /** spatial size of `out_relu` */
  outputSize: number;
}

export interface MobileNetV2Options {
  alpha: number;
  inputSize: number;
}

export function checkMobileNetV2Options({ alpha, inputSize }: MobileNetV2Options): void {
  if (!Number.isFinite(alpha) || alpha <= 0 || alpha > 2) {
    throw new StudioError('INVALID_INPUT', `MobileNetV2 alpha: expected a number in (0, 2], received ${alpha}`);
  }
  if (
    !Number.isInteger(inputSize) ||
    inputSize < MIN_INPUT_SIZE_PX ||
    inputSize > MAX_INPUT_SIZE_PX ||
    inputSize % INPUT_SIZE_STEP_PX !== 0
  ) {
    throw new StudioError(
      'INVALID_INPUT',
      `MobileNetV2 input size: expected a multiple of ${INPUT_SIZE_STEP_PX} from ${MIN_INPUT_SIZE_PX} to ${MAX_INPUT_SIZE_PX} px, received ${inputSize}`,
    );
  }
}

/** Resolves channel counts, paddings and residual connections for one alpha and input size. */
export function planMobileNetV2(options: MobileNetV2Options): MobileNetV2Plan {
  checkMobileNetV2Options(options);
  const { alpha, inputSize } = options;
  const firstFilters = makeDivisible(32 * alpha, 8);
  let channels = firstFilters;
  let size = Math.ceil(inputSize / 2); // Conv1 has stride 2
  const blocks = INVERTED_RES_BLOCK_CALLS.map((call, blockId): BlockPlan => {
    const outChannels = makeDivisible(Math.trunc(call.filters * alpha), 8);
    const block: BlockPlan = {
      blockId,
      prefix: blockId === 0 ? 'expanded_conv_' : `block_${blockId}_`,
      inChannels: channels,
      expandChannels: blockId === 0 ? null : call.expansion * channels,
      stride: call.stride,
      pad: call.stride === 2 ? correctPad(size) : null,
      outChannels,
      residual: channels === outChannels && call.stride === 1,
    };
    if (call.stride === 2) size = Math.floor((size + 1 + (block.pad?.[0][0] ?? 0) - 3) / 2) + 1;
    channels = outChannels;
    return block;
  });
  // The paper keeps 1280 channels for the last convolution unless the network is widened.
  const lastFilters = alpha > 1 ? makeDivisible(1280 * alpha, 8) : 1280;
  return { alpha, inputSize, firstFilters, blocks, lastFilters, outputSize: size };
}

function invertedResBlock(tf: Tf, inputs: SymbolicTensor, block: BlockPlan): SymbolicTensor {
  const { prefix } = block;
  let x = inputs;
  if (block.expandChannels !== null) {
    x = tf.layers
      .conv2d({ filters: block.expandChannels, kernelSize: 1, padding: 'same', useBias: false, name: `${prefix}expand` })
      .apply(x) as SymbolicTensor;
    x = batchNorm(tf, `${prefix}expand_BN`, x);
    x = tf.layers.reLU({ maxValue: RELU_MAX, name: `${prefix}expand_relu` }).apply(x) as SymbolicTensor;
  }
  if (block.pad) {
    x = tf.layers.zeroPadding2d({ padding: block.pad, name: `${prefix}pad` }).apply(x) as SymbolicTensor;
  }
  x = tf.layers
    .depthwiseConv2d({
      kernelSize: 3,
      strides: block.stride,
      useBias: false,
      padding: block.stride === 1 ? 'same' : 'valid',
      name: `${prefix}depthwise`,
    })
    .apply(x) as SymbolicTensor;
  x = batchNorm(tf, `${prefix}depthwise_BN`, x);
  x = tf.layers.reLU({ maxValue: RELU_MAX, name: `${prefix}depthwise_relu` }).apply(x) as SymbolicTensor;
  // Linear bottleneck: no activation after the projection (paper §3.2).
  x = tf.layers
    .conv2d({ filters: block.outChannels, kernelSize: 1, padding: 'same', useBias: false, name: `${prefix}project` })
    .apply(x) as SymbolicTensor;
  x = batchNorm(tf, `${prefix}project_BN`, x);
  if (block.residual) x = tf.layers.add({ name: `${prefix}add` }).apply([inputs, x]) as SymbolicTensor;
  return x;
}

function batchNorm(tf: Tf, name: string, x: SymbolicTensor): SymbolicTensor {
  return tf.layers.batchNormalization({ axis: -1, epsilon: BN_EPSILON, momentum: BN_MOMENTUM, name }).apply(x) as SymbolicTensor;
}

/**
 * Builds MobileNetV2 with include_top=False (output `out_relu`, [batch, s, s, lastFilters]), randomly initialised;
 * load weights with `loadBackboneWeights`. Frozen (not trainable) unless `trainable` is true.
 */
export function createMobileNetV2(tf: Tf, options: MobileNetV2Options & { trainable?: boolean }): LayersModel {
  const plan = planMobileNetV2(options);
  const { inputSize } = plan;
  const input = tf.input({ shape: [inputSize, inputSize, 3], name: 'input_1' });
  // Keras pads Conv1 with 'same', which for the even sizes allowed here is the same as padding 0 before, 1 after.
  let x = tf.layers
    .conv2d({ filters: plan.firstFilters, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'Conv1' })
    .apply(input) as SymbolicTensor;
  x = batchNorm(tf, 'bn_Conv1', x);
  x = tf.layers.reLU({ maxValue: RELU_MAX, name: 'Conv1_relu' }).apply(x) as SymbolicTensor;
  for (const block of plan.blocks) x = invertedResBlock(tf, x, block);
  x = tf.layers.conv2d({ filters: plan.lastFilters, kernelSize: 1, useBias: false, name: 'Conv_1' }).apply(x) as SymbolicTensor;
  x = batchNorm(tf, 'Conv_1_bn', x);
  x = tf.layers.reLU({ maxValue: RELU_MAX, name: 'out_relu' }).apply(x) as SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x, name: `mobilenetv2_${plan.alpha.toFixed(2)}_${inputSize}` });
  model.trainable = options.trainable ?? false;
  return model;
}

/**
 * Fine-tuning: freezes every layer except the last `lastN` (counted like Keras `base_model.layers[-N:]`, the input
 * layer excluded). Note: tfjs BatchNormalization uses batch statistics whenever it runs with training=true, even if
 * frozen; call the backbone with `training: false` in a custom loop to keep its moving statistics in use.
 */
export function setTrainableFromLayer(model: LayersModel, lastN: number): void {
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  if (!Number.isInteger(lastN) || lastN < 0 || lastN > layers.length) {
    throw new StudioError(
      'INVALID_INPUT',
      `Layers to unfreeze: expected an integer from 0 to ${layers.length}, received ${lastN}`,
    );
  }
  model.trainable = true;
  const firstTrainable = layers.length - lastN;
  layers.forEach((layer, index) => {
    layer.trainable = index >= firstTrainable;
  });
}
