// The whole classifier as one tfjs model: backbone → global average pooling → the head's Dense layers, one probability
// per class. Fine-tuning trains it; export saves it.
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';

/**
 * Rebuilds the head's Dense layers on top of the backbone (same configs, weights copied). A sigmoid head gets a
 * fixed linear layer turning p into [1 − p, p], so every export outputs one probability per class in class order.
 */
export function composeClassifier(backbone: tf.LayersModel, head: tf.LayersModel, numClasses: number): tf.LayersModel {
  const input = backbone.inputs[0] as tf.SymbolicTensor;
  let x = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(backbone.outputs[0] as tf.SymbolicTensor) as tf.SymbolicTensor;
  const copies: Array<{ from: tf.layers.Layer; to: tf.layers.Layer }> = [];
  for (const layer of head.layers) {
    const className = layer.getClassName();
    if (className === 'Dropout') continue; // identity at inference
    if (className !== 'Dense') throw new StudioError('INTERNAL', `Export: expected Dense head layers, received ${className}`);
    const config = layer.getConfig() as unknown as Parameters<typeof tf.layers.dense>[0];
    const copy = tf.layers.dense({ ...config, name: layer.name });
    x = copy.apply(x) as tf.SymbolicTensor;
    copies.push({ from: layer, to: copy });
  }
  if (numClasses === 2 && x.shape[1] === 1) {
    const toPair = tf.layers.dense({ units: 2, activation: 'linear', name: 'probabilities', trainable: false });
    x = toPair.apply(x) as tf.SymbolicTensor;
    const pairWeights = [tf.tensor2d([[-1, 1]]), tf.tensor1d([1, 0])];
    toPair.setWeights(pairWeights);
    tf.dispose(pairWeights);
  }
  for (const { from, to } of copies) to.setWeights(from.getWeights());
  return tf.model({ inputs: input, outputs: x, name: 'hike_photo_studio_classifier' });
}
