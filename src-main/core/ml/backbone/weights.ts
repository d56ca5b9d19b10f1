// Reads weights saved in the TensorFlow.js layers format (model.json manifest + binary shards) and assigns them to a
// model by weight name, so a backbone built for 160 px takes the weights saved with a 224 px topology.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { Tf } from './backend.js';
import { IMAGENET_ALPHAS, planMobileNetV2 } from './mobilenet-v2.js';

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
    const why = code === 'ENOENT' ? (await isFolder(dir) ? 'not a model folder (no model.json)' : 'no such folder') : (code ?? String(error));
    throw new StudioError('INVALID_INPUT', `Weights folder ${dir}: ${why}`);
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
          throw new StudioError('INVALID_INPUT', `Weights folder: expected shard ${path.join(dir, shard)}, received ${code ?? String(error)}`);
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
          `Weights in ${dir}: ${group.paths.join(', ')} is truncated: tensor ${entry.name} needs bytes ${offset}–${end}, the file has ${bytes.length}`,
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

async function isFolder(dir: string): Promise<boolean> {
  return fs.stat(dir).then((s) => s.isDirectory(), () => false);
}

const ALPHA_PROBES = (alpha: number): [string, number][] => {
  const plan = planMobileNetV2({ alpha, inputSize: 224 });
  return [['Conv1/kernel', plan.firstFilters], ...plan.blocks.map((b): [string, number] => [`${b.prefix}project/kernel`, b.outChannels]), ['Conv_1/kernel', plan.lastFilters]];
};

/**
 * The MobileNetV2 width (alpha) of a weights folder, read from the tensor shapes in its model.json (the shards are
 * only sized, not read): each published width has its own channel counts. Any problem (no folder, no model.json,
 * a missing or short shard, not MobileNetV2 weights) is one INVALID_INPUT naming the folder, file or tensor.
 */
export async function readWeightsAlpha(dir: string): Promise<number> {
  const modelJson = await readModelJson(dir);
  const shapes = new Map<string, number[]>();
  for (const group of modelJson.weightsManifest) {
    let needed = 0;
    for (const entry of group.weights) {
      shapes.set(entry.name, entry.shape);
      needed += entry.shape.reduce((a, b) => a * b, 1) * BYTES_PER_FLOAT32;
    }
    let size = 0;
    for (const shard of group.paths) {
      const file = path.join(dir, shard);
      const stat = await fs.stat(file).catch(() => null);
      if (!stat?.isFile()) throw new StudioError('INVALID_INPUT', `Weights folder ${dir}: ${shard} is listed in model.json but missing`);
      size += stat.size;
    }
    if (size < needed) throw new StudioError('INVALID_INPUT', `Weights in ${dir}: ${group.paths.join(', ')} is truncated: ${size} bytes, model.json lists ${needed}`);
  }
  const first = shapes.get('Conv1/kernel');
  if (!first) throw new StudioError('INVALID_INPUT', `Weights folder ${dir}: not MobileNetV2 weights (no tensor Conv1/kernel in model.json)`);
  const outChannels = (name: string) => shapes.get(name)?.at(-1);
  const matching = IMAGENET_ALPHAS.filter((alpha) => ALPHA_PROBES(alpha).every(([name, channels]) => outChannels(name) === channels));
  if (matching.length === 0) {
    const mismatch = ALPHA_PROBES(1).find(([name, channels]) => outChannels(name) !== channels);
    throw new StudioError(
      'INVALID_INPUT',
      `Weights folder ${dir}: not MobileNetV2 weights of a known width (${IMAGENET_ALPHAS.join(', ')}): tensor ${mismatch?.[0]} has shape ${shapeText(shapes.get(mismatch?.[0] ?? '') ?? [])}`,
    );
  }
  return matching[0]!;
}

/** Refuses a requested alpha that the weights do not have, naming the tensor that shows it. */
export function checkAlphaMatches(dir: string, weightsAlpha: number, requested: number, what: string): void {
  if (Math.abs(weightsAlpha - requested) < 1e-9) return;
  const [name, channels] = ALPHA_PROBES(requested).find(([n, c], i) => ALPHA_PROBES(weightsAlpha)[i]?.[1] !== c && n) ?? ['Conv1/kernel', 0];
  const has = ALPHA_PROBES(weightsAlpha).find(([n]) => n === name)?.[1];
  throw new StudioError(
    'INVALID_INPUT',
    `${what} alpha ${requested}, but the weights in ${dir} are alpha ${weightsAlpha} (tensor ${name} has ${has} output channels, alpha ${requested} needs ${channels})`,
  );
}
