// The class activation map with the real ImageNet MobileNetV2 1.0 (the `_with_top` weights: GAP → Dense 1000): for
// chelsea.png and class 285 (Egyptian cat) the heat lies on the cat, not on the background beside it; Grad-CAM
// through the same one-layer head gives the same map; a head with a hidden layer gets Grad-CAM.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackbone, type LoadedBackbone } from '../../../../src-main/core/ml/backbone/backbone.js';
import { readWeightsFolder } from '../../../../src-main/core/ml/backbone/weights.js';
import { preprocessPhoto, preprocessingSpec } from '../../../../src-main/core/ml/features/preprocess.js';
import { classActivationMap, headProbabilities, upsampleMap, type DenseLayer } from '../../../../src-main/core/ml/training/class-activation-map.js';
import { SHARED_DIR } from '../../../helpers/shared-dir.js';

const WITH_TOP = path.join(SHARED_DIR, 'models', 'mobilenet_v2_1.0_imagenet_with_top');
const CHELSEA = path.join(SHARED_DIR, 'photos', 'imagenet', 'chelsea.png');
const EGYPTIAN_CAT = 285;
/** chelsea.png is 451 × 300; the cat's head and chest, drawn by eye: the strip right of it and above its left ear are background */
const WIDTH = 451;
const HEIGHT = 300;
const CAT_BOX = { left: 40, top: 0, right: 370, bottom: 300 };

let backbone: LoadedBackbone;
let top: DenseLayer;
let featureMap: tf.Tensor4D;

beforeAll(async () => {
  await tf.setBackend('cpu');
  backbone = await loadBackbone(tf, { alpha: 1, inputSize: 224, weightsDir: WITH_TOP });
  const folder = await readWeightsFolder(WITH_TOP);
  const kernel = folder.weights.get('predictions/kernel')!;
  const bias = folder.weights.get('predictions/bias')!;
  top = { kernel: tf.tensor2d(kernel.data, kernel.shape as [number, number]), bias: tf.tensor1d(bias.data), activation: 'softmax' };
  // 'fill': the model sees the whole frame, so the 7 × 7 map stretches back over the whole photo
  const spec = preprocessingSpec(224, 'fill');
  const input = await preprocessPhoto({ kind: 'original', path: CHELSEA }, spec);
  featureMap = tf.tidy(() => backbone.model.predict(tf.tensor4d(input, [1, 224, 224, 3])) as tf.Tensor4D);
}, 120_000);

afterAll(() => {
  tf.dispose([featureMap, top.kernel, top.bias!]);
  backbone.model.dispose();
});

/** heat per pixel inside the box over heat per pixel outside it */
function insideOverOutside(heat: Float32Array): { inside: number; density: number } {
  let inside = 0;
  let total = 0;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const v = heat[y * WIDTH + x]!;
      total += v;
      if (x >= CAT_BOX.left && x < CAT_BOX.right && y >= CAT_BOX.top && y < CAT_BOX.bottom) inside += v;
    }
  }
  const boxArea = (CAT_BOX.right - CAT_BOX.left) * (CAT_BOX.bottom - CAT_BOX.top);
  const outsideArea = WIDTH * HEIGHT - boxArea;
  return { inside: inside / total, density: inside / boxArea / ((total - inside) / outsideArea) };
}

describe('class activation map', () => {
  it('classifies chelsea as an Egyptian cat and puts the heat for class 285 on the cat', () => {
    const probabilities = headProbabilities(featureMap, [top]);
    expect(probabilities.indexOf(Math.max(...probabilities))).toBe(EGYPTIAN_CAT);
    const map = classActivationMap(featureMap, [top], EGYPTIAN_CAT);
    expect(map.method).toBe('cam');
    expect(map.size).toBe(7);
    const { inside, density } = insideOverOutside(upsampleMap(map, WIDTH, HEIGHT));
    console.log(`chelsea, class 285: ${(inside * 100).toFixed(1)}% of the heat inside the cat box; per pixel ${density.toFixed(2)}× the outside`);
    // the cat fills most of the frame: an even map would put 73% inside the box at 1.0× the outside density
    // (measured: 87.5% inside, 2.56× the outside)
    expect(inside).toBeGreaterThan(0.8);
    expect(density).toBeGreaterThan(2);
  });

  it('gives the same map by Grad-CAM through a one-layer head', () => {
    const cam = classActivationMap(featureMap, [top], EGYPTIAN_CAT);
    const grad = classActivationMap(featureMap, [top], EGYPTIAN_CAT, { forceGradCam: true });
    expect(grad.method).toBe('grad-cam');
    cam.values.forEach((v, i) => expect(grad.values[i]).toBeCloseTo(v, 4));
  });

  it('uses Grad-CAM through a head with a hidden layer, and the map follows the class asked for', () => {
    const hidden: DenseLayer = { kernel: tf.eye(1280) as tf.Tensor2D, bias: null, activation: 'relu' };
    const map = classActivationMap(featureMap, [hidden, top], EGYPTIAN_CAT);
    expect(map.method).toBe('grad-cam');
    // ReLU(x) = x for the non-negative out_relu features: the identity hidden layer changes nothing
    const cam = classActivationMap(featureMap, [top], EGYPTIAN_CAT);
    map.values.forEach((v, i) => expect(v).toBeCloseTo(cam.values[i]!, 4));
    const coffee = classActivationMap(featureMap, [top], 967);
    expect(Array.from(coffee.values)).not.toEqual(Array.from(cam.values));
    hidden.kernel.dispose();
  });
});
