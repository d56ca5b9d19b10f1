// A run's classifier (backbone + pooling + Dense head, as composeClassifier builds it) as one ONNX model: image
// tensor in, class probabilities out, preprocessing and class names in its metadata_props.
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { Tf } from '../backbone/backend.js';
import { foldBackbone } from '../backbone/fold-batchnorm.js';
import type { MobileNetV2Plan } from '../backbone/mobilenet-v2.js';
import { describeGeometry, mirrorNote, type StudioModelJson } from './run-model.js';
import { buildMobileNetV2Onnx, ONNX_IMAGE_INPUT, ONNX_PROBABILITIES_OUTPUT, type DenseActivation, type DenseWeights } from '../features/onnx/mobilenet-v2-onnx.js';

export const ONNX_MODEL_FILE = 'model.onnx';
const ACTIVATIONS: readonly DenseActivation[] = ['linear', 'relu', 'sigmoid', 'softmax'];

function denseWeights(model: LayersModel): DenseWeights[] {
  return model.layers
    .filter((layer) => layer.getClassName() === 'Dense')
    .map((layer) => {
      const [kernel, bias] = layer.getWeights() as [Tensor, Tensor];
      const activation = String(layer.getConfig().activation ?? 'linear') as DenseActivation;
      if (!ACTIVATIONS.includes(activation)) {
        throw new StudioError('INTERNAL', `ONNX export: expected Dense activation ${ACTIVATIONS.join('/')}, received ${activation} in ${layer.name}`);
      }
      return {
        name: layer.name,
        kernel: kernel.dataSync() as Float32Array,
        bias: bias.dataSync() as Float32Array,
        inUnits: kernel.shape[0]!,
        units: kernel.shape[1]!,
        activation,
      };
    });
}

function inputText(size: number): string {
  return `float32 [n, ${size}, ${size}, 3], NHWC, RGB, value = pixel / 127.5 - 1 (range [-1, 1])`;
}

/** `meta` is the exported studio-model.json; its fields go into the model's metadata_props as text or JSON. */
/** `mirrorAverage`: average with the mirror image's probabilities (the classifier itself predicts one view). */
export function classifierToOnnx(tf: Tf, classifier: LayersModel, plan: MobileNetV2Plan, meta: StudioModelJson, mirrorAverage = false): Uint8Array {
  const fused = foldBackbone(tf, classifier, plan);
  try {
    const head = denseWeights(classifier);
    const units = head[head.length - 1]?.units;
    if (units !== meta.classes.length) {
      throw new StudioError('INTERNAL', `ONNX export: expected ${meta.classes.length} outputs, received ${units ?? 'no Dense layer'}`);
    }
    return buildMobileNetV2Onnx(plan, fused.folded, {
      head,
      mirrorAverage,
      docString: `Hike Photo Studio classifier, run ${meta.runId}: ${meta.classes.map((c) => c.name).join(', ')}`,
      metadata: {
        format: 'hike-photo-studio-model',
        runId: String(meta.runId),
        classes: JSON.stringify(meta.classes.map((c) => c.name)),
        input: `${ONNX_IMAGE_INPUT}: ${inputText(meta.inputSize)}`,
        output: `${ONNX_PROBABILITIES_OUTPUT}: float32 [n, ${meta.classes.length}], one probability per class in the order of "classes", summing to 1`,
        preprocessing: JSON.stringify(meta.preprocessing),
        threshold: String(meta.threshold),
        backboneId: meta.backboneId,
        mirrorAverage: String(mirrorAverage),
      },
    });
  } finally {
    fused.dispose();
  }
}

export function onnxReadme(meta: StudioModelJson, fineTuned: boolean): string {
  const size = meta.inputSize;
  return `Hike Photo Studio model (run ${meta.runId}), ONNX

Classes, in output order: ${meta.classes.map((c, i) => `${i} = ${c.name}`).join(', ')}
Backbone: ${meta.backboneId} (MobileNetV2, alpha ${meta.alpha}, BatchNorm folded into the convolutions), ${fineTuned ? 'its last layers fine-tuned with the head' : 'frozen; head trained on its pooled features'}.

${ONNX_MODEL_FILE} (ONNX IR 8, opset 13):
  input  "${ONNX_IMAGE_INPUT}": ${inputText(size)}
    decode the photo upright (apply EXIF orientation) in sRGB, ${describeGeometry(meta.preprocessing, size)},
    then value = pixel / 127.5 - 1. The exact steps used in training are in studio-model.json ("preprocessing")
    and in the model's metadata_props ("preprocessing", "classes", "threshold").
  output "${ONNX_PROBABILITIES_OUTPUT}": [n, ${meta.classes.length}] probabilities that sum to 1.${mirrorNote(meta, '    ')}${meta.classes.length === 2 ? `\n    The studio predicts "${meta.classes[1]!.name}" when its probability is >= ${meta.threshold}.` : ''}

Run it with ONNX Runtime, e.g. in Node (npm install onnxruntime-node):
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create('${ONNX_MODEL_FILE}');
  const { ${ONNX_PROBABILITIES_OUTPUT} } = await session.run({ ${ONNX_IMAGE_INPUT}: new ort.Tensor('float32', values, [n, ${size}, ${size}, 3]) });
or in Python: onnxruntime.InferenceSession('${ONNX_MODEL_FILE}').run(None, {'${ONNX_IMAGE_INPUT}': x})
`;
}
