// Exports a run as one self-contained folder: backbone + pooling + head as a single tfjs layers model taking the
// preprocessed image ([-1, 1], NHWC RGB) and returning one probability per class, plus studio-model.json and README.txt.
// A run trained with mirror on exports a model that averages the image's and its mirror image's probabilities, as
// the app predicts (nested backbone applied twice in tfjs; the batch joined with its mirror copy in ONNX).
import fs from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { Library } from '../../library/library.js';
import { loadBackbone } from '../backbone/backbone.js';
import { fileModelHandler } from '../backbone/file-io-handler.js';
import { planMobileNetV2 } from '../backbone/mobilenet-v2.js';
import { folderSaveHandler, MODEL_JSON_FILE, WEIGHTS_FILE } from '../backbone/model-folder.js';
import { describeGeometry, loadRunHead, mirrorNote, writeStudioModelJson, type StudioModelJson } from './run-model.js';
import { getRunConfig, getRunModelDir } from './runs.js';
import { composeClassifier } from '../training/compose-classifier.js';

/** 'tfjs': a tfjs layers model (model.json + weights.bin); 'onnx': one model.onnx */
export type ExportFormat = 'tfjs' | 'onnx';

export interface ExportResult {
  outDir: string;
  files: string[];
  classes: string[];
}

function readme(meta: StudioModelJson, fineTuned: boolean): string {
  const size = meta.inputSize;
  return `Hike Photo Studio model (run ${meta.runId})

Classes, in output order: ${meta.classes.map((c, i) => `${i} = ${c.name}`).join(', ')}
Backbone: ${meta.backboneId} (MobileNetV2, alpha ${meta.alpha}), ${fineTuned ? 'its last layers fine-tuned with the head' : 'frozen; head trained on its pooled features'}.

Input: a float32 tensor [n, ${size}, ${size}, 3], RGB, values in [-1, 1]:
  decode the photo upright (apply EXIF orientation) in sRGB, ${describeGeometry(meta.preprocessing, size)},
  then value = pixel / 127.5 - 1. The exact steps used in training are in studio-model.json ("preprocessing").
Output: [n, ${meta.classes.length}] probabilities that sum to 1.${mirrorNote(meta)}${meta.classes.length === 2 ? `\n  The studio predicts "${meta.classes[1]!.name}" when its probability is >= ${meta.threshold}.` : ''}

Load in a browser:
  const model = await tf.loadLayersModel('https://…/model.json');
Load in Node with @tensorflow/tfjs-node:
  const model = await tf.loadLayersModel('file:///path/to/this/folder/model.json');
Load in Node with plain @tensorflow/tfjs (no native addon):
  const json = JSON.parse(fs.readFileSync('model.json', 'utf8'));
  const weights = fs.readFileSync('weights.bin');
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest[0].weights,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }));
Then:
  const probabilities = model.predict(input);   // input: tf.tensor4d(values, [n, ${size}, ${size}, 3])
`;
}

async function ensureEmptyTarget(outDir: string): Promise<void> {
  const entries = await fs.readdir(outDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (entries && entries.length > 0) {
    throw new StudioError('CONFLICT', `Export: expected a new or empty folder, received ${outDir} with ${entries.length} entries`);
  }
}

/** `mirrorTta` in an export: the exported model averages over the mirror image itself. */
function exportedMeta(meta: StudioModelJson): StudioModelJson {
  const { fineTunedClassifier: _, ...rest } = meta;
  return { ...rest, input: { kind: 'image', sizePx: meta.inputSize, range: [-1, 1], layout: 'NHWC-RGB' }, output: 'softmax', mirrorTta: meta.mirrorTta ?? false };
}

/** Writes the folder under a temporary name, then renames it into place (the target is new or empty). */
async function writeExport(
  target: string,
  meta: StudioModelJson,
  classes: string[],
  writeModel: (staging: string, exported: StudioModelJson) => Promise<void>,
  format: ExportFormat = 'tfjs',
): Promise<ExportResult> {
  const exported = exportedMeta(meta);
  const staging = `${target}.partial-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true });
  await writeModel(staging, exported);
  await writeStudioModelJson(staging, exported);
  const fineTuned = Boolean(meta.fineTunedClassifier);
  // the ONNX code (protobuf bindings) loads only when exporting to ONNX
  const text = format === 'onnx' ? (await import('./export-onnx.js')).onnxReadme(exported, fineTuned) : readme(exported, fineTuned);
  await fs.writeFile(path.join(staging, 'README.txt'), text);
  await fs.rmdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error; // rmdir never removes a folder that gained files meanwhile
  });
  await fs.rename(staging, target);
  return { outDir: target, files: (await fs.readdir(target)).sort(), classes };
}

/** A fine-tuned run already saved its composed classifier: copy it. */
function exportFineTuned(classifierDir: string, target: string, meta: StudioModelJson, classes: string[]): Promise<ExportResult> {
  return writeExport(target, meta, classes, async (staging) => {
    for (const file of [WEIGHTS_FILE, MODEL_JSON_FILE]) await fs.copyFile(path.join(classifierDir, file), path.join(staging, file));
  });
}

/** The composed classifier (image → probabilities) as model.onnx in `staging`. */
async function writeOnnx(classifier: tf.LayersModel, config: { alpha: number; inputSize: number }, staging: string, exported: StudioModelJson): Promise<void> {
  const { classifierToOnnx, ONNX_MODEL_FILE } = await import('./export-onnx.js');
  const bytes = classifierToOnnx(tf, classifier, planMobileNetV2(config), exported, exported.mirrorTta ?? false);
  await fs.writeFile(path.join(staging, ONNX_MODEL_FILE), bytes);
}

/**
 * `weightsDir`: the backbone weights the run was trained with (checked against the run's backbone id).
 * `mirror: false` exports a run trained with mirror on as a one-view model (half the compute, not the app's numbers).
 */
export async function exportRun(
  library: Library,
  runId: number,
  outDir: string,
  options: { weightsDir: string; format?: ExportFormat; mirror?: false },
): Promise<ExportResult> {
  const format = options.format ?? 'tfjs';
  const config = getRunConfig(library.db, runId);
  const modelDir = getRunModelDir(library.db, runId);
  if (!modelDir) throw new StudioError('CONFLICT', `Run ${runId} has no saved model: only finished runs can be exported`);
  const target = path.resolve(outDir);
  await ensureEmptyTarget(target);
  const loaded = await loadRunHead(modelDir);
  const { head } = loaded;
  const meta: StudioModelJson = { ...loaded.meta, mirrorTta: options.mirror === false ? false : Boolean(loaded.meta.mirrorTta) };
  if (meta.fineTunedClassifier) {
    head.dispose();
    if (format === 'onnx') {
      const classifier = await tf.loadLayersModel(fileModelHandler(path.join(modelDir, meta.fineTunedClassifier)));
      try {
        return await writeExport(target, meta, config.classes.map((c) => c.name), (staging, exported) => writeOnnx(classifier, config, staging, exported), format);
      } finally {
        classifier.dispose();
      }
    }
    return exportFineTuned(path.join(modelDir, meta.fineTunedClassifier), target, meta, config.classes.map((c) => c.name));
  }
  const backbone = await loadBackbone(tf, { alpha: config.alpha, inputSize: config.inputSize, weightsDir: options.weightsDir });
  let composed: tf.LayersModel | null = null;
  try {
    if (backbone.id !== config.backboneId) {
      throw new StudioError('CONFLICT', `Export: expected the backbone weights run ${runId} used (${config.backboneId}), received ${backbone.id}`);
    }
    // ONNX adds the mirror average to its own graph; the tfjs model carries it as layers
    composed = composeClassifier(backbone.model, head, config.classes.length, { mirror: format === 'tfjs' && Boolean(meta.mirrorTta) });
    const model = composed;
    const write =
      format === 'onnx'
        ? (staging: string, exported: StudioModelJson) => writeOnnx(model, config, staging, exported)
        : (staging: string) => model.save(folderSaveHandler(staging)).then(() => undefined);
    return await writeExport(target, meta, config.classes.map((c) => c.name), write, format);
  } finally {
    // The composed model owns the backbone's layers too: disposing it frees them.
    if (composed) composed.dispose();
    else backbone.model.dispose();
    head.dispose();
  }
}
