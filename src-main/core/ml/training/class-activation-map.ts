// Why a classifier chose a class: a map over the backbone's last convolutional feature map (`out_relu`). For a
// GAP → Dense head it is the class activation map, CAM = Σ_k w_kc · A_k (Zhou et al. 2016); through a head with
// hidden layers it is Grad-CAM (Selvaraju et al. 2017): α_k = mean over positions of ∂score_c/∂A_k,
// map = ReLU(Σ_k α_k · A_k). The score is the class's logit (before softmax / sigmoid).
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';

/** One Dense layer of a head, as tensors (owned by the caller). */
export interface DenseLayer {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D | null;
  activation: string;
}

export interface ActivationMap {
  /** rows = columns of the feature map */
  size: number;
  /** size × size, row-major, scaled so the largest value is 1 (all 0 when nothing speaks for the class) */
  values: Float32Array;
  method: 'cam' | 'grad-cam';
}

/**
 * The Dense layers of a head or of a composed classifier after its pooling, in order (Dropout is the identity at
 * inference; composeClassifier's fixed `probabilities` pair layer is left out: the score is the sigmoid's logit).
 * The tensors are the layers' own weights: do not dispose them.
 */
export function denseLayersOf(model: tf.LayersModel): DenseLayer[] {
  const dense: DenseLayer[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className !== 'Dense' || layer.name === 'probabilities') continue;
    const [kernel, bias] = layer.getWeights();
    const activation = String((layer.getConfig() as { activation?: unknown }).activation ?? 'linear');
    dense.push({ kernel: kernel as tf.Tensor2D, bias: (bias as tf.Tensor1D | undefined) ?? null, activation });
  }
  if (dense.length === 0) throw new StudioError('INTERNAL', `Class activation map: expected Dense layers in ${model.name}, received none`);
  return dense;
}

function activate(x: tf.Tensor2D, activation: string): tf.Tensor2D {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'elu':
      return tf.elu(x);
    default:
      throw new StudioError('UNSUPPORTED_FILE', `Class activation map: hidden activation '${activation}' is not supported`);
  }
}

/** The class's score column of the last layer: its own column, or ± the single sigmoid unit (class 1: +, class 0: −). */
function scoreColumn(last: DenseLayer, classIndex: number): { column: number; sign: 1 | -1 } {
  const units = last.kernel.shape[1];
  if (units === 1) return { column: 0, sign: classIndex === 1 ? 1 : -1 };
  if (classIndex < 0 || classIndex >= units) throw new StudioError('INVALID_INPUT', `Class index: expected 0–${units - 1}, received ${classIndex}`);
  return { column: classIndex, sign: 1 };
}

function normalised(map: tf.Tensor2D): Float32Array {
  const values = map.dataSync() as Float32Array;
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const out = new Float32Array(values.length);
  if (max > 0) for (let i = 0; i < values.length; i++) out[i] = values[i]! / max;
  return out;
}

/**
 * The map for `classIndex` from one image's feature map [1, s, s, C]. A single Dense layer gets the exact CAM (no
 * gradient); deeper heads get Grad-CAM, which for a single Dense layer is the same map (α_k = w_kc / s²).
 */
export function classActivationMap(featureMap: tf.Tensor4D, dense: readonly DenseLayer[], classIndex: number, options: { forceGradCam?: boolean } = {}): ActivationMap {
  const [, rows, cols, channels] = featureMap.shape;
  if (rows !== cols) throw new StudioError('INTERNAL', `Class activation map: expected a square feature map, received ${rows}×${cols}`);
  const last = dense[dense.length - 1]!;
  const { column, sign } = scoreColumn(last, classIndex);
  if (dense.length === 1 && !options.forceGradCam) {
    const values = tf.tidy(() => {
      const weights = last.kernel.slice([0, column], [channels, 1]).mul(sign) as tf.Tensor2D;
      const map = featureMap.reshape([rows * cols, channels]).matMul(weights).reshape([rows, cols]);
      return normalised(tf.relu(map) as tf.Tensor2D);
    });
    return { size: rows, values, method: 'cam' };
  }
  const score = (a: tf.Tensor): tf.Scalar => {
    let x = a.mean([1, 2]) as tf.Tensor2D;
    dense.forEach((layer, i) => {
      x = x.matMul(layer.kernel) as tf.Tensor2D;
      if (layer.bias) x = x.add(layer.bias) as tf.Tensor2D;
      if (i < dense.length - 1) x = activate(x, layer.activation);
    });
    return x.slice([0, column], [1, 1]).mul(sign).sum() as tf.Scalar;
  };
  const values = tf.tidy(() => {
    const gradient = tf.grad(score)(featureMap);
    const alpha = gradient.mean([1, 2]).reshape([channels, 1]);
    const map = featureMap.reshape([rows * cols, channels]).matMul(alpha).reshape([rows, cols]);
    return normalised(tf.relu(map) as tf.Tensor2D);
  });
  return { size: rows, values, method: 'grad-cam' };
}

/** Probabilities of the head for the pooled feature map (softmax, or [1 − p, p] for one sigmoid unit). */
export function headProbabilities(featureMap: tf.Tensor4D, dense: readonly DenseLayer[]): number[] {
  return tf.tidy(() => {
    let x = featureMap.mean([1, 2]) as tf.Tensor2D;
    dense.forEach((layer) => {
      x = x.matMul(layer.kernel) as tf.Tensor2D;
      if (layer.bias) x = x.add(layer.bias) as tf.Tensor2D;
      x = layer.activation === 'softmax' ? tf.softmax(x) : activate(x, layer.activation);
    });
    const values = Array.from(x.dataSync());
    return values.length === 1 ? [1 - values[0]!, values[0]!] : values;
  });
}

/** The map resized to width × height, bilinear with half-pixel centres (as the photo was resized to the model). */
export function upsampleMap(map: Pick<ActivationMap, 'size' | 'values'>, width: number, height: number): Float32Array {
  const { size, values } = map;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(Math.max(((y + 0.5) * size) / height - 0.5, 0), size - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, size - 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(Math.max(((x + 0.5) * size) / width - 0.5, 0), size - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, size - 1);
      const fx = sx - x0;
      const top = values[y0 * size + x0]! * (1 - fx) + values[y0 * size + x1]! * fx;
      const bottom = values[y1 * size + x0]! * (1 - fx) + values[y1 * size + x1]! * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
