// A tf.io handler that loads a layers model from a folder on disk: plain tfjs in Node (no tfjs-node) has no file://.
import type { io } from '@tensorflow/tfjs';
import { readWeightsFolder } from './weights.js';

export function fileModelHandler(dir: string): io.IOHandler {
  return {
    async load(): Promise<io.ModelArtifacts> {
      const folder = await readWeightsFolder(dir);
      const { modelJson } = folder;
      return {
        modelTopology: modelJson.modelTopology as io.ModelArtifacts['modelTopology'],
        ...(modelJson.format ? { format: modelJson.format } : {}),
        weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights) as io.WeightsManifestEntry[],
        weightData: folder.weightData,
      };
    },
  };
}
