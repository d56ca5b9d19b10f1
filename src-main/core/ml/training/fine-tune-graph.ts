// Splits a backbone for fine-tuning the last N layers: a frozen prefix (image → the tensors crossing the cut), run
// once per photo, and a trainable suffix (those tensors → pooled features) sharing the backbone's layers and weights.
// Training then never runs the frozen part again, which is most of the network's compute.
import type * as tfjs from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { Tf } from '../backbone/backend.js';

type SymbolicTensor = tfjs.SymbolicTensor;
type Layer = tfjs.layers.Layer;

export interface BackboneSplit {
  /** image → crossing tensors (one output per suffix input) */
  prefix: tfjs.LayersModel;
  /** crossing tensors → global-average-pooled features */
  suffix: tfjs.LayersModel;
  /** the unfrozen backbone layers, in order */
  trainableLayers: Layer[];
  /** shapes of the crossing tensors without the batch axis */
  cutShapes: number[][];
}

function inputTensorsOf(layer: Layer): SymbolicTensor[] {
  const node = layer.inboundNodes[0];
  if (!node) throw new StudioError('INTERNAL', `Fine-tuning: layer ${layer.name} has no inbound node`);
  return node.inputTensors;
}

/** `lastN` counts layers like Keras `base_model.layers[-N:]`, the input layer excluded. */
export function splitBackbone(tf: Tf, backbone: tfjs.LayersModel, lastN: number): BackboneSplit {
  const layers = backbone.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  if (!Number.isInteger(lastN) || lastN < 1 || lastN >= layers.length) {
    throw new StudioError('INVALID_INPUT', `Layers to fine-tune: expected an integer from 1 to ${layers.length - 1}, received ${lastN}`);
  }
  const trainableLayers = layers.slice(layers.length - lastN);
  // Read every original connection before re-applying any layer (applying adds inbound nodes).
  const originalInputs = new Map(trainableLayers.map((layer) => [layer, inputTensorsOf(layer)]));
  const originalOutputs = new Map(trainableLayers.map((layer) => [layer, layer.getOutputAt(0) as SymbolicTensor]));
  const mapped = new Map<SymbolicTensor, SymbolicTensor>();
  const crossing: SymbolicTensor[] = [];
  const cutInputs: SymbolicTensor[] = [];
  let last: SymbolicTensor | null = null;
  for (const layer of trainableLayers) {
    const inputs = (originalInputs.get(layer) as SymbolicTensor[]).map((t) => {
      let m = mapped.get(t);
      if (!m) {
        m = tf.input({ shape: t.shape.slice(1) as number[], name: `cut_${crossing.length}` });
        crossing.push(t);
        cutInputs.push(m);
        mapped.set(t, m);
      }
      return m;
    });
    last = layer.apply(inputs.length === 1 ? inputs[0]! : inputs) as SymbolicTensor;
    mapped.set(originalOutputs.get(layer) as SymbolicTensor, last);
  }
  const pooled = tf.layers.globalAveragePooling2d({ name: 'fine_tune_pool' }).apply(last as SymbolicTensor) as SymbolicTensor;
  const suffix = tf.model({ inputs: cutInputs, outputs: pooled, name: 'backbone_suffix' });
  const prefix = tf.model({ inputs: backbone.inputs, outputs: crossing, name: 'backbone_prefix' });
  for (const layer of trainableLayers) layer.trainable = true;
  return { prefix, suffix, trainableLayers, cutShapes: crossing.map((t) => t.shape.slice(1) as number[]) };
}
