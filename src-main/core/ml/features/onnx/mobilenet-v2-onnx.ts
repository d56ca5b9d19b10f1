// The ONNX graph of the folded MobileNetV2 (BatchNorm already in the convolution weights, see fold-batchnorm.ts):
// NHWC image in, pooled features out, optionally followed by Dense layers (a run's head, the ImageNet top).
// Keras padding is reproduced exactly: 'same' as TensorFlow computes it, ZeroPadding2D as explicit pads.
import { StudioError } from '../../../../api/errors.js';
import type { FoldedConv, FusedBackbone } from '../../backbone/fold-batchnorm.js';
import type { MobileNetV2Plan } from '../../backbone/mobilenet-v2.js';
import { encodeModel, floatTensor, floatValue, int64Tensor, node, type OnnxNode, type OnnxTensor } from './onnx-proto.js';

export const ONNX_IMAGE_INPUT = 'image';
export const ONNX_FEATURES_OUTPUT = 'features';
export const ONNX_PROBABILITIES_OUTPUT = 'probabilities';
/** Bumped when the graph built from the same weights changes, so cached files are rebuilt. */
export const BACKBONE_GRAPH_VERSION = 1;

export type DenseActivation = 'linear' | 'relu' | 'sigmoid' | 'softmax';

export interface DenseWeights {
  name: string;
  /** [inUnits, units], row-major (Keras/tfjs Dense kernel layout) */
  kernel: Float32Array;
  bias: Float32Array;
  inUnits: number;
  units: number;
  activation: DenseActivation;
}

export interface MobileNetV2OnnxOptions {
  /** Dense layers after the pooled features; the output is then `probabilities` instead of `features` */
  head?: readonly DenseWeights[];
  metadata?: Record<string, string>;
  docString?: string;
  /**
   * 'keras' (default): exactly what Keras does. 'symmetric': one pixel on every side before each strided
   * convolution, the mistake a naive conversion makes; only the parity test's negative control uses it.
   */
  stridedPadding?: 'keras' | 'symmetric';
  /**
   * With a head: the probabilities are the mean of the image's and its mirror image's (the app's flip test-time
   * augmentation). The batch is joined with its width-reversed copy, run once, split and averaged.
   */
  mirrorAverage?: boolean;
}

type Pads = [top: number, left: number, bottom: number, right: number];

/** TensorFlow 'same': output ceil(in / stride), the odd pixel of padding goes after. */
export function samePads(inSize: number, kernel: number, stride: number): Pads {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + kernel - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, before, total - before, total - before];
}

function outputSize(inSize: number, kernel: number, stride: number, pads: Pads): number {
  return Math.floor((inSize + pads[0] + pads[2] - kernel) / stride) + 1;
}

/** A tfjs conv kernel [kh, kw, in, out] as ONNX wants it: [out, in, kh, kw]. */
function toOnnxKernel(values: Float32Array, shape: readonly number[]): { data: Float32Array; dims: number[] } {
  const [kh, kw, a, b] = shape as [number, number, number, number];
  const data = new Float32Array(values.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < a; i++) {
        for (let o = 0; o < b; o++) data[((o * a + i) * kh + y) * kw + x] = values[((y * kw + x) * a + i) * b + o]!;
      }
    }
  }
  return { data, dims: [b, a, kh, kw] };
}

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private count = 0;

  constructor(private readonly stridedPadding: 'keras' | 'symmetric') {
    this.initializers.push(floatTensor('relu6_min', [], Float32Array.of(0)), floatTensor('relu6_max', [], Float32Array.of(6)));
  }

  private name(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }

  /** One folded convolution (+ ReLU6), input of spatial size `size`; returns the output name and size. */
  conv(input: string, size: number, conv: FoldedConv): { out: string; size: number } {
    const shape = conv.filter.shape;
    const [kernel, kernelWidth, channels] = shape;
    const depthwise = conv.kind === 'depthwise';
    // A depthwise kernel [kh, kw, C, 1] has the memory layout of [kh, kw, 1, C]: C groups of one input channel.
    const onnxKernel = toOnnxKernel(conv.filter.dataSync() as Float32Array, depthwise ? [kernel, kernelWidth, 1, channels] : shape);
    let pads: Pads;
    if (conv.pad) {
      pads = [conv.pad[0][0], conv.pad[1][0], conv.pad[0][1], conv.pad[1][1]];
    } else {
      pads = samePads(size, kernel, conv.stride);
    }
    if (this.stridedPadding === 'symmetric' && conv.stride === 2) pads = [1, 1, 1, 1];
    const name = this.name(depthwise ? 'dwconv' : 'conv');
    this.initializers.push(floatTensor(`${name}_w`, onnxKernel.dims, onnxKernel.data), floatTensor(`${name}_b`, [conv.bias.shape[0]], conv.bias.dataSync() as Float32Array));
    const attributes = {
      kernel_shape: [kernel, kernelWidth],
      strides: [conv.stride, conv.stride],
      pads,
      group: depthwise ? channels : 1,
    };
    const convOut = conv.relu6 ? `${name}_linear` : name;
    this.nodes.push(node('Conv', [input, `${name}_w`, `${name}_b`], [convOut], attributes, name));
    if (conv.relu6) this.nodes.push(node('Clip', [convOut, 'relu6_min', 'relu6_max'], [name], {}, `${name}_relu6`));
    return { out: name, size: outputSize(size, kernel, conv.stride, pads) };
  }

  add(a: string, b: string): string {
    const name = this.name('add');
    this.nodes.push(node('Add', [a, b], [name]));
    return name;
  }

  dense(input: string, dense: DenseWeights, output: string | null): string {
    if (dense.kernel.length !== dense.inUnits * dense.units || dense.bias.length !== dense.units) {
      throw new StudioError('INTERNAL', `ONNX graph: Dense ${dense.name} expected [${dense.inUnits}, ${dense.units}] weights, received ${dense.kernel.length} + ${dense.bias.length} values`);
    }
    const name = this.name(`dense_${dense.name}`);
    this.initializers.push(floatTensor(`${name}_w`, [dense.inUnits, dense.units], dense.kernel), floatTensor(`${name}_b`, [dense.units], dense.bias));
    const activation = dense.activation;
    const linearOut = activation === 'linear' ? (output ?? name) : `${name}_linear`;
    this.nodes.push(node('Gemm', [input, `${name}_w`, `${name}_b`], [linearOut], {}, name));
    if (activation === 'linear') return linearOut;
    const out = output ?? name;
    const op = { relu: 'Relu', sigmoid: 'Sigmoid', softmax: 'Softmax' }[activation];
    this.nodes.push(node(op, [linearOut], [out], activation === 'softmax' ? { axis: -1 } : {}, `${name}_${activation}`));
    return out;
  }
}

/** Encodes the network; reads the folded weights (synchronously) from the tfjs tensors in `folded`. */
export function buildMobileNetV2Onnx(plan: MobileNetV2Plan, folded: FusedBackbone['folded'], options: MobileNetV2OnnxOptions = {}): Uint8Array {
  const g = new GraphBuilder(options.stridedPadding ?? 'keras');
  const head = options.head ?? [];
  const mirror = Boolean(options.mirrorAverage && head.length);
  if (mirror) {
    // width (NHWC axis 2) from its last index down to the first; an end below −width means "through index 0"
    g.initializers.push(int64Tensor('mirror_starts', [-1]), int64Tensor('mirror_ends', [-(2 ** 31)]), int64Tensor('mirror_axes', [2]), int64Tensor('mirror_steps', [-1]));
    g.nodes.push(node('Slice', [ONNX_IMAGE_INPUT, 'mirror_starts', 'mirror_ends', 'mirror_axes', 'mirror_steps'], ['image_mirror']));
    g.nodes.push(node('Concat', [ONNX_IMAGE_INPUT, 'image_mirror'], ['image_pair'], { axis: 0 }));
  }
  g.nodes.push(node('Transpose', [mirror ? 'image_pair' : ONNX_IMAGE_INPUT], ['nchw'], { perm: [0, 3, 1, 2] }));
  let h = g.conv('nchw', plan.inputSize, folded.first);
  for (const block of folded.blocks) {
    const input = h.out;
    if (block.expand) h = g.conv(h.out, h.size, block.expand);
    h = g.conv(h.out, h.size, block.depthwise);
    h = g.conv(h.out, h.size, block.project);
    if (block.residual) h = { out: g.add(input, h.out), size: h.size };
  }
  h = g.conv(h.out, h.size, folded.last);
  if (h.size !== plan.outputSize) {
    throw new StudioError('INTERNAL', `ONNX graph: expected a ${plan.outputSize}×${plan.outputSize} feature map, received ${h.size}×${h.size}`);
  }
  g.nodes.push(node('GlobalAveragePool', [h.out], ['pooled_map']));
  g.nodes.push(node('Flatten', ['pooled_map'], [head.length ? 'pooled' : ONNX_FEATURES_OUTPUT], { axis: 1 }));
  let x = 'pooled';
  head.forEach((dense, i) => {
    x = g.dense(x, dense, i === head.length - 1 ? (mirror ? 'probabilities_pair' : ONNX_PROBABILITIES_OUTPUT) : null);
  });
  if (mirror) {
    // [2n, C] → [2, n, C] (the images first, then their mirror images) → mean over the pair
    g.initializers.push(int64Tensor('pair_shape', [2, -1, head[head.length - 1]!.units]));
    g.nodes.push(node('Reshape', ['probabilities_pair', 'pair_shape'], ['probabilities_by_view']));
    g.nodes.push(node('ReduceMean', ['probabilities_by_view'], [ONNX_PROBABILITIES_OUTPUT], { axes: [0], keepdims: 0 }));
  }
  const outputs = head.length ? [floatValue(ONNX_PROBABILITIES_OUTPUT, ['n', head[head.length - 1]!.units])] : [floatValue(ONNX_FEATURES_OUTPUT, ['n', plan.lastFilters])];
  return encodeModel({
    name: `mobilenetv2_${plan.alpha.toFixed(2)}_${plan.inputSize}`,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [floatValue(ONNX_IMAGE_INPUT, ['n', plan.inputSize, plan.inputSize, 3])],
    outputs,
    ...(options.docString ? { docString: options.docString } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
}
