// An Embedder running the backbone's ONNX graph in ONNX Runtime: batches decoded by sharp (its own threads) while
// the previous batch runs through the network (ORT's intra-op threads), cancellable between batches, with progress.
import { StudioError } from '../../../api/errors.js';
import { throwIfCancelled } from '../../jobs/job-context.js';
import type { Tf } from '../backend.js';
import type { BackboneConfig } from '../backbone.js';
import type { EmbedItem, EmbedOptions, Embedder } from '../embed.js';
import { preprocessPhoto, preprocessingSpec, type PreprocessingSpec } from '../preprocess.js';
import { ensureBackboneOnnx } from './backbone-onnx-file.js';
import { ONNX_FEATURES_OUTPUT, ONNX_IMAGE_INPUT } from './mobilenet-v2-onnx.js';
import { createOrtSession, type Ort, type OrtSession } from './onnx-runtime.js';

/** Measured (bench/onnx-embedding.ts): larger batches gain little on CPU and cost memory. */
export const ONNX_EMBED_BATCH = 32;

/** Runs `session` over `items`: preprocessing of batch k+1 starts before batch k is run. */
export async function embedWithSession(
  ort: Ort,
  session: OrtSession,
  spec: PreprocessingSpec,
  dims: number,
  items: readonly EmbedItem[],
  options: EmbedOptions & { batchSize?: number } = {},
): Promise<Float32Array> {
  const batchSize = options.batchSize ?? ONNX_EMBED_BATCH;
  const size = spec.resize.sizePx;
  const perImage = size * size * 3;
  const out = new Float32Array(items.length * dims);
  const prepare = async (start: number): Promise<Float32Array> => {
    const batch = items.slice(start, start + batchSize);
    const pixels = new Float32Array(batch.length * perImage);
    await Promise.all(
      batch.map(async (item, i) => {
        const input = await preprocessPhoto(item.source, spec, item.view);
        pixels.set(input, i * perImage);
      }),
    );
    return pixels;
  };
  let next: Promise<Float32Array> | null = items.length > 0 ? prepare(0) : null;
  for (let start = 0; start < items.length; start += batchSize) {
    if (options.signal) throwIfCancelled(options.signal);
    const pixels = await next!;
    next = start + batchSize < items.length ? prepare(start + batchSize) : null;
    // Avoid an unhandled rejection if we stop before awaiting the prefetch.
    next?.catch(() => undefined);
    const count = pixels.length / perImage;
    const input = new ort.Tensor('float32', pixels, [count, size, size, 3]);
    const result = await session.run({ [ONNX_IMAGE_INPUT]: input });
    const features = result[ONNX_FEATURES_OUTPUT];
    if (!features || features.data.length !== count * dims) {
      throw new StudioError('INTERNAL', `ONNX Runtime: expected ${count}×${dims} features, received ${features?.data.length ?? 'none'}`);
    }
    out.set(features.data as Float32Array, start * dims);
    for (const tensor of Object.values(result)) tensor.dispose();
    options.onProgress?.(Math.min(start + batchSize, items.length));
  }
  return out;
}

/** Builds or reuses the cached graph (folding with `tf`), then opens one session for all calls. */
export async function createOnnxEmbedder(tf: Tf, ort: Ort, config: BackboneConfig, options: { batchSize?: number } = {}): Promise<Embedder> {
  const graph = await ensureBackboneOnnx(tf, config);
  const session = await createOrtSession(ort, graph.model);
  const spec = preprocessingSpec(config.inputSize);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    backboneId: graph.backboneId,
    inputSize: config.inputSize,
    dims: graph.dims,
    spec,
    embed(items, embedOptions = {}) {
      // One call at a time on the session, like the worker pool.
      const result = queue.then(() => embedWithSession(ort, session, spec, graph.dims, items, { ...embedOptions, ...options }));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      await queue;
      await session.release();
    },
  };
}
