// Saves a layers model as a folder (model.json + weights.bin), written to a temporary name then renamed into place.
import fs from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const WEIGHTS_FILE = 'weights.bin';

/** A tf.io save handler for Node without tfjs-node (which alone registers file://). */
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
    const staging = `${dir}.partial-${process.pid}`;
    await fs.rm(staging, { recursive: true, force: true });
    await fs.mkdir(staging, { recursive: true });
    await fs.writeFile(path.join(staging, 'model.json'), JSON.stringify(modelJson));
    await fs.writeFile(path.join(staging, WEIGHTS_FILE), new Uint8Array(bytes));
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(staging, dir);
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

export async function saveModelToFolder(model: tf.LayersModel, dir: string): Promise<void> {
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await model.save(folderSaveHandler(dir));
}
