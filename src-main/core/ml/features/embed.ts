// Embeds photos with the fused backbone in this thread, in batches, decoding the next batch while one runs.
// `Embedder` is the shape shared with the worker pool, so callers (the feature cache) take either.
import { StudioError } from '../../../api/errors.js';
import { throwIfCancelled } from '../../jobs/job-context.js';
import type { Tf } from '../backbone/backend.js';
import { loadFusedBackbone, type BackboneConfig } from '../backbone/backbone.js';
import type { FusedBackbone } from '../backbone/fold-batchnorm.js';
import { preprocessPhoto, preprocessingSpec, toBatchTensor, type ImageSource, type PreprocessingSpec } from './preprocess.js';

export const DEFAULT_EMBED_BATCH = 16;

export interface EmbedItem {
  source: ImageSource;
  /** augmentation view name; 'original' for none */
  view: string;
}

export interface EmbedOptions {
  signal?: AbortSignal;
  /** called after each batch with the number of items embedded so far */
  onProgress?: (done: number) => void;
}

export interface Embedder {
  backboneId: string;
  inputSize: number;
  dims: number;
  spec: PreprocessingSpec;
  /** one row of `dims` floats per item, in item order */
  embed(items: readonly EmbedItem[], options?: EmbedOptions): Promise<Float32Array>;
  close(): Promise<void>;
}

/**
 * Embeds `items` with `fused` into a [items × dims] row-major matrix. Preprocessing of the next batch (sharp, off
 * the JS thread) is started before the current batch runs through the network.
 */
export async function embedImages(
  tf: Tf,
  fused: FusedBackbone,
  spec: PreprocessingSpec,
  items: readonly EmbedItem[],
  options: EmbedOptions & { batchSize?: number } = {},
): Promise<Float32Array> {
  if (spec.resize.sizePx !== fused.inputSize) {
    throw new StudioError('INVALID_INPUT', `Embedding: expected preprocessing for ${fused.inputSize} px, received ${spec.resize.sizePx} px`);
  }
  const batchSize = options.batchSize ?? DEFAULT_EMBED_BATCH;
  const out = new Float32Array(items.length * fused.dims);
  const prepare = (start: number) =>
    Promise.all(items.slice(start, start + batchSize).map((item) => preprocessPhoto(item.source, spec, item.view)));
  let next = items.length > 0 ? prepare(0) : null;
  for (let start = 0; start < items.length; start += batchSize) {
    const inputs = await next!;
    if (options.signal) throwIfCancelled(options.signal);
    next = start + batchSize < items.length ? prepare(start + batchSize) : null;
    // Avoid an unhandled rejection if we stop before awaiting the prefetch.
    next?.catch(() => undefined);
    const batch = toBatchTensor(tf, inputs, spec);
    try {
      const embedded = fused.embed(batch);
      try {
        out.set(await embedded.data(), start * fused.dims);
      } finally {
        embedded.dispose();
      }
    } finally {
      batch.dispose();
    }
    options.onProgress?.(Math.min(start + batchSize, items.length));
  }
  return out;
}

/** An Embedder running in this thread (tests, small jobs, or the tensorflow backends that thread internally). */
export async function createLocalEmbedder(tf: Tf, config: BackboneConfig, options: { batchSize?: number } = {}): Promise<Embedder> {
  const { id, fused } = await loadFusedBackbone(tf, config);
  const spec = preprocessingSpec(config.inputSize, config.resize);
  return {
    backboneId: id,
    inputSize: config.inputSize,
    dims: fused.dims,
    spec,
    embed: (items, embedOptions = {}) =>
      embedImages(tf, fused, spec, items, { ...embedOptions, ...(options.batchSize ? { batchSize: options.batchSize } : {}) }),
    async close() {
      fused.dispose();
    },
  };
}
