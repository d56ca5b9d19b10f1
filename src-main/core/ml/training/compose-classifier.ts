// The whole classifier as one tfjs model: backbone → global average pooling → the head's Dense layers, one probability
// per class. Fine-tuning trains it; export saves it (with `mirror`, averaged with the mirror image's prediction).
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';

/** The head's Dense layers rebuilt (same configs; weights copied by the caller), Dropout left out (identity at inference). */
function denseCopies(head: tf.LayersModel): Array<{ from: tf.layers.Layer; to: tf.layers.Layer }> {
  return head.layers.flatMap((layer) => {
    const className = layer.getClassName();
    if (className === 'Dropout') return [];
    if (className !== 'Dense') throw new StudioError('INTERNAL', `Export: expected Dense head layers, received ${className}`);
    const config = layer.getConfig() as unknown as Parameters<typeof tf.layers.dense>[0];
    return [{ from: layer, to: tf.layers.dense({ ...config, name: layer.name }) }];
  });
}

/** A fixed linear layer turning a sigmoid's p into [1 − p, p] (weights set once applied: its variables get their names then). */
function applyPairLayer(x: tf.SymbolicTensor, existing: tf.layers.Layer | null): { layer: tf.layers.Layer; out: tf.SymbolicTensor } {
  if (existing) return { layer: existing, out: existing.apply(x) as tf.SymbolicTensor };
  const layer = tf.layers.dense({ units: 2, activation: 'linear', name: 'probabilities', trainable: false });
  const out = layer.apply(x) as tf.SymbolicTensor;
  const pairWeights = [tf.tensor2d([[-1, 1]]), tf.tensor1d([1, 0])];
  layer.setWeights(pairWeights);
  tf.dispose(pairWeights);
  return { layer, out };
}

/**
 * The image flipped left–right with built-in layers only (plain tfjs loads it): width moved last, multiplied by the
 * fixed anti-identity (exact: one product by 1, the rest by 0), moved back.
 */
function mirrorWidth(input: tf.SymbolicTensor, width: number): tf.SymbolicTensor {
  const anti = new Float32Array(width * width);
  for (let i = 0; i < width; i++) anti[i * width + (width - 1 - i)] = 1;
  const flip = tf.layers.dense({ units: width, useBias: false, trainable: false, name: 'mirror_width' });
  const widthLast = tf.layers.permute({ dims: [1, 3, 2], name: 'mirror_width_last' }).apply(input) as tf.SymbolicTensor;
  const flipped = flip.apply(widthLast) as tf.SymbolicTensor;
  const kernel = tf.tensor2d(anti, [width, width]);
  flip.setWeights([kernel]);
  kernel.dispose();
  return tf.layers.permute({ dims: [1, 3, 2], name: 'mirror_width_back' }).apply(flipped) as tf.SymbolicTensor;
}

/**
 * Rebuilds the head's Dense layers on top of the backbone (same configs, weights copied). A sigmoid head gets a
 * fixed linear layer turning p into [1 − p, p], so every export outputs one probability per class in class order.
 * `mirror`: the output is the mean of the probabilities of the image and of its mirror image (the app's flip
 * test-time augmentation); the backbone is then one nested model applied to both.
 */
export function composeClassifier(backbone: tf.LayersModel, head: tf.LayersModel, numClasses: number, options: { mirror?: boolean } = {}): tf.LayersModel {
  const copies = denseCopies(head);
  const pooling = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' });
  let toPair: tf.layers.Layer | null = null;
  const classify = (featureMap: tf.SymbolicTensor): tf.SymbolicTensor => {
    let x = pooling.apply(featureMap) as tf.SymbolicTensor;
    for (const { to } of copies) x = to.apply(x) as tf.SymbolicTensor;
    if (numClasses === 2 && x.shape[1] === 1) {
      const pair = applyPairLayer(x, toPair);
      toPair = pair.layer;
      x = pair.out;
    }
    return x;
  };
  let model: tf.LayersModel;
  if (options.mirror) {
    const shape = (backbone.inputs[0] as tf.SymbolicTensor).shape;
    const input = tf.input({ shape: shape.slice(1) as number[], name: 'image' });
    const plain = classify(backbone.apply(input) as tf.SymbolicTensor);
    const mirrored = classify(backbone.apply(mirrorWidth(input, shape[2] as number)) as tf.SymbolicTensor);
    const output = tf.layers.average({ name: 'mirror_average' }).apply([plain, mirrored]) as tf.SymbolicTensor;
    model = tf.model({ inputs: input, outputs: output, name: 'hike_photo_studio_classifier' });
  } else {
    const output = classify(backbone.outputs[0] as tf.SymbolicTensor);
    model = tf.model({ inputs: backbone.inputs[0] as tf.SymbolicTensor, outputs: output, name: 'hike_photo_studio_classifier' });
  }
  for (const { from, to } of copies) to.setWeights(from.getWeights());
  return model;
}
