// The ML session of one open library: backend choice, the backbone (weights folder, alpha read from the weights)
// for a run's settings, and the warm embedders shared by reference count between jobs, closed with the studio.
import path from 'node:path';
import type { Library } from './library/library.js';
import { selectBackend, type BackendName, type MlBackend } from './ml/backbone/backend.js';
import type { BackboneConfig } from './ml/backbone/backbone.js';
import type { Embedder } from './ml/features/embed.js';
import { createSharedEmbedders } from './ml/features/shared-embedders.js';
import type { TrainingConfig } from './ml/training/training-config.js';
import { resolveLibraryWeights } from './ml/backbone/weights-source.js';
import { checkAlphaMatches, readWeightsAlpha } from './ml/backbone/weights.js';

/** What a requested alpha is checked against the weights for, and whether the weights may be downloaded. */
export interface BackboneCheck {
  requestedAlpha: number | undefined;
  what: string;
  allowDownload?: boolean;
}

export interface MlSession {
  backendFor(name: BackendName | null): Promise<MlBackend>;
  backboneFor(config: TrainingConfig, check: BackboneCheck, signal?: AbortSignal): Promise<BackboneConfig>;
  /** Runs `use` with the warm embedder for this backbone; it stays open until `use` settles, whatever other jobs do. */
  withEmbedder<T>(backbone: BackboneConfig, backend: MlBackend, use: (embed: Embedder) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function createMlSession(library: Library): MlSession {
  const embedders = createSharedEmbedders();

  /**
   * The backbone for these settings; its alpha is read from the weights, so a requested alpha (explicit settings, or
   * the run being used) is only checked against them. `allowDownload: false` checks a given folder without the network.
   */
  async function backboneFor(config: TrainingConfig, check: BackboneCheck, signal?: AbortSignal): Promise<BackboneConfig> {
    const weights = await resolveLibraryWeights(library, {
      alpha: config.alpha,
      ...(config.weightsDir ? { weightsDir: config.weightsDir } : {}),
      allowDownload: check.allowDownload ?? true,
      ...(signal ? { signal } : {}),
    });
    const alpha = await readWeightsAlpha(weights.dir);
    if (check.requestedAlpha !== undefined) checkAlphaMatches(weights.dir, alpha, check.requestedAlpha, check.what);
    return {
      alpha,
      inputSize: config.inputSize,
      // runs made before the setting existed were stretched ('fill')
      resize: config.resize ?? 'fill',
      weightsDir: weights.dir,
      ...(weights.expectedSha256 ? { expectedSha256: weights.expectedSha256 } : {}),
      onnxCacheDir: path.join(library.paths.models, 'onnx-backbones'),
    };
  }

  /** Runs `use` with the warm embedder for this backbone; it stays open until `use` settles, whatever other jobs do. */
  function withEmbedder<T>(backbone: BackboneConfig, backend: MlBackend, use: (embed: Embedder) => Promise<T>): Promise<T> {
    const key = `${backend.name}|${backbone.alpha}|${backbone.inputSize}|${backbone.resize}|${backbone.weightsDir}`;
    // the embedding stack (sharp, the pool, the backbone) loads with the first job that embeds, not with the library
    const create = async () => (await import('./ml/features/lazy-embedder.js')).createLazyEmbedder(async () => backend, backbone);
    return embedders.borrow(key, create, use);
  }

  return {
    backendFor: (name) => selectBackend(name ?? undefined),
    backboneFor,
    withEmbedder,
    close: () => embedders.closeAll(),
  };
}
