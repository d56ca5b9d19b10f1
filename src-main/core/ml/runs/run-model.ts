// A run's saved head: the tfjs layers model (model.json + weights.bin) and studio-model.json describing how to use it.
import fs from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import { fileModelHandler } from '../backbone/file-io-handler.js';
import { saveModelToFolder } from '../backbone/model-folder.js';
import type { RunClass } from './runs.js';

export const STUDIO_MODEL_FILE = 'studio-model.json';
export const HEAD_MODEL_DIR = 'head';

export interface StudioModelJson {
  format: 'hike-photo-studio-model';
  version: 1;
  runId: number;
  /** output order of the model */
  classes: RunClass[];
  /** 'head': input is the backbone's pooled features; 'image': input is the preprocessed image (export) */
  input: { kind: 'head'; features: number } | { kind: 'image'; sizePx: number; range: [-1, 1]; layout: 'NHWC-RGB' };
  backboneId: string;
  alpha: number;
  inputSize: number;
  preprocessing: unknown;
  /** 'sigmoid': one output, probability of classes[1]; 'softmax': one output per class */
  output: 'sigmoid' | 'softmax';
  /** two classes: classes[1] is predicted when its probability is ≥ threshold */
  threshold: number;
  /**
   * Fine-tuned runs: the folder (relative) of the image → probabilities classifier holding the fine-tuned backbone
   * layers; the head alone is then only the pre-fine-tuning head and must not be used on cached features.
   */
  fineTunedClassifier?: string | null;
  /** the head's probabilities are averaged with those of the photo's mirror image (flip test-time augmentation) */
  mirrorTta?: boolean;
}

export async function writeStudioModelJson(dir: string, meta: StudioModelJson): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, STUDIO_MODEL_FILE), JSON.stringify(meta, null, 2) + '\n');
}

export async function readStudioModelJson(dir: string): Promise<StudioModelJson> {
  const file = path.join(dir, STUDIO_MODEL_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new StudioError('NOT_FOUND', `expected a saved model description at ${file}, received no file`);
  }
  const meta = JSON.parse(text) as StudioModelJson;
  if (meta.format !== 'hike-photo-studio-model') {
    throw new StudioError('INVALID_INPUT', `expected format 'hike-photo-studio-model' in ${file}, received ${String(meta.format)}`);
  }
  return meta;
}

/** Writes <dir>/head/{model.json, weights.bin} and <dir>/studio-model.json. */
export async function saveRunModel(dir: string, head: tf.LayersModel, meta: StudioModelJson): Promise<void> {
  await saveModelToFolder(head, path.join(dir, HEAD_MODEL_DIR));
  await writeStudioModelJson(dir, meta);
}

export async function loadRunHead(dir: string): Promise<{ head: tf.LayersModel; meta: StudioModelJson }> {
  const meta = await readStudioModelJson(dir);
  const head = await tf.loadLayersModel(fileModelHandler(path.join(dir, HEAD_MODEL_DIR)));
  return { head, meta };
}

/** How the run cut the photo to the model's square: its recorded geometry (runs before it existed stretched). */
export function describeGeometry(preprocessing: unknown, size: number): string {
  const geometry = (preprocessing as { geometry?: { mode: string; cropFraction?: number } } | null)?.geometry;
  if (geometry?.mode !== 'center-crop' || !geometry.cropFraction) return `resize to ${size}×${size} (stretch, bilinear)`;
  return `resize the short side to ${Math.round(size / geometry.cropFraction)} px (bilinear) and keep the centre ${size}×${size}`;
}

/** What the README says about the built-in mirror average (empty when the model predicts one view). */
export function mirrorNote(meta: StudioModelJson, indent = '  '): string {
  return meta.mirrorTta
    ? `\n${indent}Each is the mean of the photo's and its mirror image's (left–right) probabilities, computed inside the\n${indent}model as the studio predicts: give it the photo once, not flipped.`
    : '';
}
