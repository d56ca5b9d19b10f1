// Reads weights saved in the TensorFlow.js layers format (model.json manifest + binary shards) and assigns them to a
// model by weight name, so a backbone built for 160 px takes the weights saved with a 224 px topology.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { StudioError } from '../../api/errors.js';
import type { Tf } from './backend.js';

export interface WeightsManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightsManifestEntry[];
}

export interface ModelJson {
  format?: string;
  modelTopology?: unknown;
  weightsManifest: WeightsManifestGroup[];
}

export interface NamedWeight {
  shape: number[];
  data: Float32Array;
}

export interface WeightsFolder {
  dir: string;
  modelJson: ModelJson;
  /** every weight by its saved name, e.g. 'block_1_expand/kernel' */
  weights: Map<string, NamedWeight>;
  /** sha256 of all shard bytes concatenated in manifest order (for one shard: the file's own sha256) */
  sha256: string;
  /** the shard bytes in manifest order, as tf.io expects them */
  weightData: ArrayBuffer;
}

const BYTES_PER_FLOAT32 = 4;

function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.join(', ')}]`;
}

export async function readModelJson(dir: string): Promise<ModelJson> {
  const file = path.join(dir, 'model.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StudioError('NOT_FOUND', `Weights folder: expected ${file}, received ${code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StudioError('INVALID_INPUT', `Weights folder: expected JSON in ${file}, received unparsable text`);
  }
  const manifest = (json as { weightsManifest?: unknown }).weightsManifest;
  if (!Array.isArray(manifest)) {
    throw new StudioError('INVALID_INPUT', `Weights folder: expected a weightsManifest array in ${file}, received ${typeof manifest}`);
  }
  return json as ModelJson;
}

/** Reads model.json and its shards; refuses anything but float32 (quantised exports are not official weights). */
export async function readWeightsFolder(dir: string, options: { expectedSha256?: string } = {}): Promise<WeightsFolder> {
  const modelJson = await readModelJson(dir);
  const shards: Buffer[] = [];
  const weights = new Map<string, NamedWeight>();
  for (const group of modelJson.weightsManifest) {
    const groupShards = await Promise.all(
      group.paths.map(async (shard) => {
        try {
          return await fs.readFile(path.join(dir, shard));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          throw new StudioError('NOT_FOUND', `Weights folder: expected shard ${path.join(dir, shard)}, received ${code ?? String(error)}`);
        }
      }),
    );
    shards.push(...groupShards);
    const bytes = Buffer.concat(groupShards);
    let offset = 0;
    for (const entry of group.weights) {
      if (entry.dtype !== 'float32' || entry.quantization) {
        throw new StudioError('INVALID_INPUT', `Weight ${entry.name}: expected dtype float32, received ${entry.quantization ? 'quantized ' : ''}${entry.dtype}`);
      }
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const end = offset + count * BYTES_PER_FLOAT32;
      if (end > bytes.length) {
        throw new StudioError(
          'INVALID_INPUT',
          `Weight ${entry.name}: expected ${count * BYTES_PER_FLOAT32} bytes at offset ${offset}, received a shard group of ${bytes.length} bytes`,
        );
      }
      // Copy: the shard buffer may not be 4-byte aligned for a Float32Array view.
      const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + end));
      weights.set(entry.name, { shape: entry.shape, data });
      offset = end;
    }
  }
  const all = Buffer.concat(shards);
  const sha256 = createHash('sha256').update(all).digest('hex');
  if (options.expectedSha256 && options.expectedSha256 !== sha256) {
    throw new StudioError('INVALID_INPUT', `Weights in ${dir}: expected sha256 ${options.expectedSha256}, received ${sha256}`);
  }
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { dir, modelJson, weights, sha256, weightData };
}

/**
 * Sets every weight of `model` from `folder` by name ('Conv1/kernel', 'bn_Conv1/moving_mean', …).
 * A weight missing from the folder or of another shape is an error naming it; extra saved weights are ignored.
 */
export function assignWeightsByName(tf: Tf, model: LayersModel, folder: Pick<WeightsFolder, 'dir' | 'weights'>): void {
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const values: Tensor[] = layer.weights.map((variable) => {
      const saved = folder.weights.get(variable.originalName);
      if (!saved) {
        throw new StudioError('INVALID_INPUT', `Weights in ${folder.dir}: expected tensor ${variable.originalName} ${shapeText(variable.shape)}, received none`);
      }
      const same = saved.shape.length === variable.shape.length && saved.shape.every((d, i) => d === variable.shape[i]);
      if (!same) {
        throw new StudioError(
          'INVALID_INPUT',
          `Weights in ${folder.dir}: tensor ${variable.originalName} expected shape ${shapeText(variable.shape)}, received ${shapeText(saved.shape)}`,
        );
      }
      return tf.tensor(saved.data, saved.shape, 'float32');
    });
    try {
      layer.setWeights(values);
    } finally {
      tf.dispose(values);
    }
  }
}
