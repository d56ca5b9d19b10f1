import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJobContext } from '../../../../src-main/core/jobs/job-context.js';
import { predictRecipe, selectRecipeRows, type HeadRecipe, type RecipeData } from '../../../../src-main/core/ml/training/head-recipe.js';
import { crossValidateLinear, dropoutPenaltyFactor, fitLinearHead } from '../../../../src-main/core/ml/training/linear-head-fit.js';
import { syntheticFeatures } from '../../../helpers/synthetic-features.js';

const DIM = 32;
const COUNT = 100;
const labels = Int32Array.from({ length: COUNT }, (_, i) => (i % 5 < 2 ? 0 : 1));
const features = syntheticFeatures({ labels: Array.from(labels), dim: DIM, numClasses: 2, separation: 1, views: 2, seed: 9 });
// view 1 of the synthetic set stands for the mirror images
const data: RecipeData = { features: { dim: DIM, count: COUNT, views: [features.views[0]!] }, labels, flipped: features.views[1]! };
const head = { inputDim: DIM, numClasses: 2, hiddenUnits: [], dropout: 0.2 };
const recipe = (dropout = 0.2): HeadRecipe => ({
  options: { epochs: 20, batchSize: 32, learningRate: 1e-3, classWeight: 'balanced', dropout, seed: 1 },
  flipRows: true,
  flipTta: true,
  l2Grid: null,
});
const folds = Int32Array.from({ length: COUNT }, (_, i) => i % 4);

describe('the full-batch linear head recipe', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives each photo the out-of-fold probability of a head fitted without its fold, the heads of all folds fitted side by side', async () => {
    const before = tf.memory().numTensors;
    const cv = await crossValidateLinear({ data, folds, k: 4, head, recipe: recipe(), ctx: createJobContext({}) });
    expect(tf.memory().numTensors).toBe(before);
    for (let fold = 0; fold < 4; fold++) {
      const train = [...folds.keys()].filter((i) => folds[i] !== fold);
      const held = [...folds.keys()].filter((i) => folds[i] === fold);
      // the same head fitted from zeros on the fold's training rows only
      const { model } = await fitLinearHead({ data: selectRecipeRows(data, train), head, recipe: recipe(), ctx: createJobContext({}) });
      const heldData = selectRecipeRows(data, held);
      const alone = predictRecipe(model, heldData.features, heldData.flipped, recipe());
      model.dispose();
      held.forEach((row, i) => {
        expect(Math.abs(cv.outOfFold[row * 2 + 1]! - alone[i * 2 + 1]!)).toBeLessThan(2e-3);
      });
    }
    expect(cv.accuracies).toHaveLength(4);
    expect(cv.pooledAccuracy).toBeGreaterThan(0.8);
    expect(cv.warmStart?.kernel).toHaveLength(DIM);
  });

  it('turns a higher dropout rate into a stronger penalty: smaller weights', async () => {
    const norms: number[] = [];
    for (const dropout of [0, 0.2, 0.5]) {
      const { model } = await fitLinearHead({ data, head, recipe: recipe(dropout), ctx: createJobContext({}) });
      const kernel = Array.from(model.getLayer('head_predictions').getWeights()[0]!.dataSync());
      norms.push(Math.sqrt(kernel.reduce((sum, w) => sum + w * w, 0)));
      model.dispose();
    }
    expect(dropoutPenaltyFactor(0.2, 2)).toBeCloseTo(0.5 * 0.25 * 0.25, 10);
    expect(norms[0]).toBeGreaterThan(norms[1]!);
    expect(norms[1]).toBeGreaterThan(norms[2]!);
  });

  it('reports the solver\'s progress as `epochs` curve points with validation metrics, and the job progress ends complete', async () => {
    const progress: string[] = [];
    const epochs: number[] = [];
    const train = [...folds.keys()].filter((i) => folds[i] !== 0);
    const validation = selectRecipeRows(data, [...folds.keys()].filter((i) => folds[i] === 0));
    const { model } = await fitLinearHead({
      data: selectRecipeRows(data, train),
      validation,
      head,
      recipe: recipe(),
      ctx: createJobContext({ onProgress: (p) => progress.push(`${p.done}/${p.total}`) }),
      onEpoch: (e) => {
        expect(e.valAccuracy).not.toBeNull();
        epochs.push(e.epoch);
      },
    });
    model.dispose();
    // the solver's progress as the recipe's 20 curve points
    expect(epochs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(progress.at(-1)).toBe('20/20');
  });

  it('fits the final head with the fold heads in one solve: the head fitLinearHead fits alone, with its curve', async () => {
    const cv = await crossValidateLinear({ data, folds, k: 4, head, recipe: recipe(), ctx: createJobContext({}), final: true });
    expect(cv.final?.history.length).toBeGreaterThan(0);
    const alone = await fitLinearHead({ data, head, recipe: recipe(), ctx: createJobContext({}) });
    const epochs: number[] = [];
    const progress: string[] = [];
    const joint = await fitLinearHead({
      data,
      head,
      recipe: recipe(),
      ctx: createJobContext({ onProgress: (p) => progress.push(`${p.done}/${p.total}`) }),
      solved: cv.final,
      onEpoch: (e) => void epochs.push(e.epoch),
    });
    const kernel = (model: tf.LayersModel) => model.getLayer('head_predictions').getWeights()[0]!.dataSync();
    const a = kernel(alone.model);
    const b = kernel(joint.model);
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-3);
    expect(epochs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(progress.at(-1)).toBe('20/20');
    alone.model.dispose();
    joint.model.dispose();
  });
});
