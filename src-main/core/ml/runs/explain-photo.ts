// "Why this class?" for one photo and one finished run: the run's classifier (backbone + head, or its fine-tuned
// classifier) on the photo preprocessed with the run's geometry, and the class activation map of the class
// (training/class-activation-map.ts). Results are cached as JSON in the run's model folder, per content and class.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../../api/errors.js';
import type { Library } from '../../library/library.js';
import { loadBackbone, type BackboneConfig } from '../backbone/backbone.js';
import { fileModelHandler } from '../backbone/file-io-handler.js';
import { preprocessPhoto, preprocessingSpec, type PreprocessingSpec } from '../features/preprocess.js';
import { classActivationMap, denseLayersOf, headProbabilities, type DenseLayer } from '../training/class-activation-map.js';
import { predictClasses } from '../training/metrics.js';
import { loadRunHead, readStudioModelJson } from './run-model.js';
import { getRunConfig, getRunModelDir, type RunConfig } from './runs.js';

/** Bumped when the maps a run gives change, so older cached ones are not used. */
const EXPLANATION_VERSION = 1;
const EXPLANATIONS_DIR = 'explanations';

export interface PhotoExplanation {
  runId: number;
  /** index into the run's classes */
  classIndex: number;
  /** the class's probability for this photo (the plain view: the map explains that one) */
  probability: number;
  method: 'cam' | 'grad-cam';
  /** the map is size × size, row-major, in [0, 1] */
  size: number;
  values: number[];
  /** where the map lies on the upright photo, in fractions of its width and height (the model's square) */
  region: { x: number; y: number; width: number; height: number };
}

export interface RunExplainer {
  runId: number;
  /** `classIndex` null: the class the run predicts for the photo */
  explain(photo: { path: string; contentHash: string }, classIndex: number | null): Promise<PhotoExplanation>;
  dispose(): void;
}

/** The part of the upright photo the model saw: all of it ('fill'), or the centred square of a centre crop. */
export function modelRegion(width: number, height: number, spec: PreprocessingSpec): PhotoExplanation['region'] {
  if (spec.geometry.mode === 'fill') return { x: 0, y: 0, width: 1, height: 1 };
  const side = Math.min(width, height) * spec.geometry.cropFraction;
  return { x: (width - side) / 2 / width, y: (height - side) / 2 / height, width: side / width, height: side / height };
}

async function uprightSize(file: string): Promise<{ width: number; height: number }> {
  const meta = await sharp(file).metadata();
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new StudioError('UNSUPPORTED_FILE', `${file}: cannot read the image size`);
  return { width, height };
}

function cacheFile(modelDir: string, contentHash: string, classIndex: number | null): string {
  return path.join(modelDir, EXPLANATIONS_DIR, `v${EXPLANATION_VERSION}-${contentHash}-${classIndex ?? 'predicted'}.json`);
}

/** A cached explanation, or null (absent or unreadable: it is computed again). */
export async function cachedExplanation(library: Pick<Library, 'db'>, runId: number, contentHash: string, classIndex: number | null): Promise<PhotoExplanation | null> {
  const modelDir = getRunModelDir(library.db, runId);
  if (!modelDir) return null;
  try {
    return JSON.parse(await fs.readFile(cacheFile(modelDir, contentHash, classIndex), 'utf8')) as PhotoExplanation;
  } catch {
    return null;
  }
}

/** Best effort: a library that cannot be written (read-only) still explains, it just does not remember. */
export async function cacheExplanation(library: Pick<Library, 'db'>, contentHash: string, requested: number | null, explanation: PhotoExplanation): Promise<void> {
  const modelDir = getRunModelDir(library.db, explanation.runId);
  if (!modelDir) return;
  const file = cacheFile(modelDir, contentHash, requested);
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(`${file}.tmp`, JSON.stringify(explanation));
    await fs.rename(`${file}.tmp`, file);
  } catch {
    // not cached
  }
}

/** Loads the run's classifier as feature map model + Dense layers; the backbone must be the run's (weights, size, resize). */
export async function loadRunExplainer(library: Pick<Library, 'db'>, runId: number, backbone: BackboneConfig): Promise<RunExplainer> {
  const config: RunConfig = getRunConfig(library.db, runId);
  const modelDir = getRunModelDir(library.db, runId);
  if (!modelDir) throw new StudioError('CONFLICT', `Run ${runId} has no saved model: only finished runs can explain`);
  const meta = await readStudioModelJson(modelDir);
  const spec = preprocessingSpec(config.inputSize, backbone.resize);
  let features: tf.LayersModel;
  let owned: tf.LayersModel[];
  let dense: DenseLayer[];
  if (meta.fineTunedClassifier) {
    // the fine-tuned backbone layers live in the saved classifier: cut it at the last convolutional feature map
    const classifier = await tf.loadLayersModel(fileModelHandler(path.join(modelDir, meta.fineTunedClassifier)));
    features = tf.model({ inputs: classifier.inputs, outputs: classifier.getLayer('out_relu').output as tf.SymbolicTensor });
    dense = denseLayersOf(classifier);
    owned = [classifier];
  } else {
    const loaded = await loadBackbone(tf, { ...backbone, inputSize: config.inputSize });
    const { head } = await loadRunHead(modelDir);
    features = loaded.model;
    dense = denseLayersOf(head);
    owned = [loaded.model, head];
  }
  const numClasses = config.classes.length;
  return {
    runId,
    async explain(photo, requested) {
      const size = spec.resize.sizePx;
      const input = await preprocessPhoto({ kind: 'original', path: photo.path }, spec);
      const { width, height } = await uprightSize(photo.path);
      const region = modelRegion(width, height, spec);
      const featureMap = tf.tidy(() => features.predict(tf.tensor4d(input, [1, size, size, 3])) as tf.Tensor4D);
      try {
        const probabilities = headProbabilities(featureMap, dense);
        const classIndex = requested ?? (predictClasses(probabilities, numClasses, numClasses === 2 ? config.threshold : undefined)[0] as number);
        if (classIndex < 0 || classIndex >= numClasses) throw new StudioError('INVALID_INPUT', `Class index: expected 0–${numClasses - 1}, received ${classIndex}`);
        const map = classActivationMap(featureMap, dense, classIndex);
        const round = (v: number) => Math.round(v * 1000) / 1000;
        return { runId, classIndex, probability: probabilities[classIndex] ?? 0, method: map.method, size: map.size, values: Array.from(map.values, round), region };
      } finally {
        featureMap.dispose();
      }
    },
    dispose() {
      for (const model of owned) model.dispose();
    },
  };
}
