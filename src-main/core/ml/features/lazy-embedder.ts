// An Embedder that starts its backend and worker pool only when something must actually be embedded, so a retrain
// whose features are all cached never pays the ~4 s pool start-up.
import type { BackboneConfig } from '../backbone/backbone.js';
import { backboneId } from '../backbone/backbone.js';
import type { MlBackend } from '../backbone/backend.js';
import type { Embedder } from './embed.js';
import { createEmbedder } from './embedding-pool.js';
import { planMobileNetV2 } from '../backbone/mobilenet-v2.js';
import { preprocessingSpec } from './preprocess.js';
import { readWeightsFolder } from '../backbone/weights.js';

export async function createLazyEmbedder(getBackend: () => Promise<MlBackend>, config: BackboneConfig): Promise<Embedder> {
  // Reading the weights folder checks it (and its checksum) up front and names the backbone for the feature cache.
  const folder = await readWeightsFolder(config.weightsDir, config.expectedSha256 ? { expectedSha256: config.expectedSha256 } : {});
  let real: Promise<Embedder> | null = null;
  const start = () => (real ??= getBackend().then((backend) => createEmbedder(backend, config)));
  return {
    backboneId: backboneId(config.alpha, folder.sha256),
    inputSize: config.inputSize,
    dims: planMobileNetV2(config).lastFilters,
    spec: preprocessingSpec(config.inputSize, config.resize),
    async embed(items, options) {
      if (items.length === 0) return new Float32Array(0);
      return (await start()).embed(items, options);
    },
    async close() {
      // a pool that failed to start has nothing to close (its error went to the embed call that started it)
      if (real) await (await real.catch(() => null))?.close();
    },
  };
}
