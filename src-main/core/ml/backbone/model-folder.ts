// Saves a layers model as a folder (model.json + weights.bin) for Node without tfjs-node, which alone has file://.
import fs from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** A tf.io save handler writing model.json + weights.bin into `dir` (created if needed; files overwritten). */
export function folderSaveHandler(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    const weightData = artifacts.weightData;
    const bytes = weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(weightData);
    const modelJson = {
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    };
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, WEIGHTS_FILE), new Uint8Array(bytes));
    // model.json last: a folder with a model.json is complete.
    await fs.writeFile(path.join(dir, MODEL_JSON_FILE), JSON.stringify(modelJson));
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
        weightDataBytes: bytes.byteLength,
      },
    };
  });
}

/**
 * Writes the model into a staging folder next to `dir`, then renames it into place, replacing an older copy:
 * only for folders the library owns (never a folder a person chose).
 */
export async function saveModelToFolder(model: tf.LayersModel, dir: string): Promise<void> {
  const staging = `${dir}.partial-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  await model.save(folderSaveHandler(staging));
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rename(staging, dir);
}
