// The backbone as an ONNX model, built once from the weights folder and cached in the library, keyed by the weights'
// sha256, alpha, input size and graph version (the file name), so another alpha or size never reuses a wrong graph.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Tf } from '../../backbone/backend.js';
import { backboneId, loadFusedBackbone, type BackboneConfig } from '../../backbone/backbone.js';
import { planMobileNetV2 } from '../../backbone/mobilenet-v2.js';
import { readWeightsFolder } from '../../backbone/weights.js';
import { BACKBONE_GRAPH_VERSION, buildMobileNetV2Onnx } from './mobilenet-v2-onnx.js';

/** Characters of the weights checksum in the file name. */
const FILE_CHECKSUM_CHARS = 16;

export interface BackboneOnnx {
  backboneId: string;
  dims: number;
  /** the cached file, or the bytes when there is no cache folder */
  model: string | Uint8Array;
  /** true when this call built the graph (not found in the cache) */
  built: boolean;
}

export function backboneOnnxFileName(alpha: number, inputSize: number, weightsSha256: string): string {
  return `mobilenet_v2_${alpha.toFixed(2)}_${inputSize}px_${weightsSha256.slice(0, FILE_CHECKSUM_CHARS)}_g${BACKBONE_GRAPH_VERSION}.onnx`;
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.isFile() && s.size > 0,
    () => false,
  );
}

/** Builds the graph with `tf` (any backend: it only folds BatchNorm) unless the cache already holds it. */
export async function ensureBackboneOnnx(tf: Tf, config: BackboneConfig): Promise<BackboneOnnx> {
  const plan = planMobileNetV2(config);
  const folder = await readWeightsFolder(config.weightsDir, config.expectedSha256 ? { expectedSha256: config.expectedSha256 } : {});
  const id = backboneId(config.alpha, folder.sha256);
  const file = config.onnxCacheDir ? path.join(config.onnxCacheDir, backboneOnnxFileName(config.alpha, config.inputSize, folder.sha256)) : null;
  if (file && (await exists(file))) return { backboneId: id, dims: plan.lastFilters, model: file, built: false };

  const { fused } = await loadFusedBackbone(tf, config);
  let bytes: Uint8Array;
  try {
    bytes = buildMobileNetV2Onnx(plan, fused.folded, {
      docString: `MobileNetV2 alpha ${config.alpha}, ${config.inputSize} px, BatchNorm folded; NHWC RGB in [-1, 1] → pooled features`,
      metadata: { backboneId: id, weightsSha256: folder.sha256, alpha: String(config.alpha), inputSize: String(config.inputSize) },
    });
  } finally {
    fused.dispose();
  }
  if (!file) return { backboneId: id, dims: plan.lastFilters, model: bytes, built: true };
  await fs.mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  await fs.writeFile(partial, bytes);
  await fs.rename(partial, file);
  return { backboneId: id, dims: plan.lastFilters, model: file, built: true };
}
