// An inference-only MobileNetV2: every BatchNormalization folded into the preceding convolution's weights and a bias,
// ReLU6 fused into the convolution (tf.fused ops). Same outputs as the layers model, several times faster on wasm.
import type { LayersModel, Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { Tf } from './backend.js';
import type { MobileNetV2Plan } from './mobilenet-v2.js';

export interface FoldedConv {
  kind: 'conv' | 'depthwise';
  filter: Tensor4D;
  bias: Tensor1D;
  stride: 1 | 2;
  relu6: boolean;
  pad: [[number, number], [number, number]] | null;
}

export interface FusedBackbone {
  inputSize: number;
  /** channels of `out_relu`, the length of one embedding */
  dims: number;
  /** `out_relu` feature map, [n, s, s, dims] */
  forward(x: Tensor4D): Tensor4D;
  /** global-average-pooled `out_relu`, [n, dims]: the cached feature vector */
  embed(x: Tensor4D): Tensor2D;
  /** the folded convolutions in network order, for other engines (the ONNX graph) to build the same network */
  folded: { first: FoldedConv; blocks: readonly FoldedBlock[]; last: FoldedConv };
  dispose(): void;
}

function layerWeights(model: LayersModel, name: string): Tensor[] {
  try {
    return model.getLayer(name).getWeights();
  } catch {
    throw new StudioError('INTERNAL', `Folding BatchNorm: expected layer ${name} in ${model.name}, received none`);
  }
}

/** w' = w·γ/√(σ²+ε) per output channel, b' = β − μ·γ/√(σ²+ε). */
function foldConv(
  tf: Tf,
  model: LayersModel,
  names: { conv: string; bn: string },
  options: Omit<FoldedConv, 'filter' | 'bias'>,
): FoldedConv {
  const { filter, bias } = tf.tidy(() => {
    const [kernel] = layerWeights(model, names.conv) as [Tensor4D];
    const [gamma, beta, mean, variance] = layerWeights(model, names.bn) as [Tensor1D, Tensor1D, Tensor1D, Tensor1D];
    const epsilon = model.getLayer(names.bn).getConfig().epsilon;
    if (typeof epsilon !== 'number') throw new StudioError('INTERNAL', `Folding BatchNorm: ${names.bn} has no epsilon`);
    const scale = tf.div(gamma, tf.sqrt(tf.add(variance, epsilon))) as Tensor1D;
    // Conv2D kernels are [kh, kw, in, out]; depthwise kernels are [kh, kw, channels, 1], scaled per input channel.
    const broadcast = options.kind === 'conv' ? scale.reshape([1, 1, 1, -1]) : scale.reshape([1, 1, -1, 1]);
    return { filter: tf.mul(kernel, broadcast) as Tensor4D, bias: tf.sub(beta, tf.mul(mean, scale)) as Tensor1D };
  });
  return { ...options, filter, bias };
}

function isSamePadding(pad: FoldedConv['pad']): boolean {
  // For even sizes (all allowed input sizes), TensorFlow 'same' at stride 2 pads 0 before and 1 after.
  return pad === null || (pad[0][0] === 0 && pad[0][1] === 1 && pad[1][0] === 0 && pad[1][1] === 1);
}

function runConv(tf: Tf, x: Tensor4D, conv: FoldedConv): Tensor4D {
  let input = x;
  let padding: 'same' | 'valid' = 'same';
  if (!isSamePadding(conv.pad) && conv.pad) {
    input = tf.pad(x, [[0, 0], conv.pad[0], conv.pad[1], [0, 0]]);
    padding = 'valid';
  }
  const args = {
    x: input,
    filter: conv.filter,
    bias: conv.bias,
    strides: conv.stride,
    pad: padding,
    activation: conv.relu6 ? ('relu6' as const) : ('linear' as const),
  };
  return conv.kind === 'conv' ? tf.fused.conv2d(args) : tf.fused.depthwiseConv2d(args);
}

export interface FoldedBlock {
  expand: FoldedConv | null;
  depthwise: FoldedConv;
  project: FoldedConv;
  residual: boolean;
}

/** Builds the fused graph from a loaded layers model (weights are copied; the model can be disposed after). */
export function foldBackbone(tf: Tf, model: LayersModel, plan: MobileNetV2Plan): FusedBackbone {
  const first = foldConv(tf, model, { conv: 'Conv1', bn: 'bn_Conv1' }, { kind: 'conv', stride: 2, relu6: true, pad: null });
  const blocks: FoldedBlock[] = plan.blocks.map((block) => {
    const p = block.prefix;
    return {
      expand:
        block.expandChannels === null
          ? null
          : foldConv(tf, model, { conv: `${p}expand`, bn: `${p}expand_BN` }, { kind: 'conv', stride: 1, relu6: true, pad: null }),
      depthwise: foldConv(
        tf,
        model,
        { conv: `${p}depthwise`, bn: `${p}depthwise_BN` },
        { kind: 'depthwise', stride: block.stride, relu6: true, pad: block.pad },
      ),
      // Linear bottleneck: no activation after the projection.
      project: foldConv(tf, model, { conv: `${p}project`, bn: `${p}project_BN` }, { kind: 'conv', stride: 1, relu6: false, pad: null }),
      residual: block.residual,
    };
  });
  const last = foldConv(tf, model, { conv: 'Conv_1', bn: 'Conv_1_bn' }, { kind: 'conv', stride: 1, relu6: true, pad: null });
  const all = [first, ...blocks.flatMap((b) => [b.expand, b.depthwise, b.project]), last].filter(
    (c): c is FoldedConv => c !== null,
  );

  const forward = (x: Tensor4D): Tensor4D =>
    tf.tidy(() => {
      if (x.shape[1] !== plan.inputSize || x.shape[2] !== plan.inputSize || x.shape[3] !== 3) {
        throw new StudioError(
          'INVALID_INPUT',
          `Backbone input: expected [n, ${plan.inputSize}, ${plan.inputSize}, 3], received [${x.shape.join(', ')}]`,
        );
      }
      let h = runConv(tf, x, first);
      for (const block of blocks) {
        const input = h;
        if (block.expand) h = runConv(tf, h, block.expand);
        h = runConv(tf, h, block.depthwise);
        h = runConv(tf, h, block.project);
        if (block.residual) h = tf.add(input, h);
      }
      return runConv(tf, h, last);
    });

  return {
    inputSize: plan.inputSize,
    dims: plan.lastFilters,
    forward,
    embed: (x) => tf.tidy(() => tf.mean(forward(x), [1, 2]) as Tensor2D),
    folded: { first, blocks, last },
    dispose() {
      for (const conv of all) tf.dispose([conv.filter, conv.bias]);
    },
  };
}
