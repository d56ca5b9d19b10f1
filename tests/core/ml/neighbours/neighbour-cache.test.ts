// Outlier neighbours through the library's kept lists: the same neighbours and scores as brute force, reused on a
// label change, updated when photos come and go, and found again by a second process opening the library.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../../src-main/core/library/library.js';
import { neighbourCache, neighbourCacheFile } from '../../../../src-main/core/ml/neighbours/neighbour-cache-file.js';
import { nearestLabeled, outlierScores, scoresFromNeighbours } from '../../../../src-main/core/ml/runs/outlier-scores.js';
import { spawnLineChild } from '../../../helpers/line-child.js';
import { bruteForceNearestLabeled, neighbourFixture } from '../../../helpers/neighbour-fixture.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

const KEY = 'synthetic@v1|224|original';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function expectBruteForce(result: { distance: Float32Array; neighbourClass: Int32Array }, fixture: ReturnType<typeof neighbourFixture>) {
  const reference = bruteForceNearestLabeled(fixture.features, fixture.dim, fixture.labels, fixture.numClasses, 5);
  reference.forEach((r, row) => {
    expect(result.distance[row]).toBeCloseTo(r.distance, 5);
    expect(result.neighbourClass[row]).toBe(r.neighbourClass);
  });
  const scores = scoresFromNeighbours(fixture, result);
  const referenceScores = scoresFromNeighbours(fixture, {
    distance: Float32Array.from(reference, (r) => r.distance),
    neighbourClass: Int32Array.from(reference, (r) => r.neighbourClass),
  });
  scores.forEach((s, row) => expect(s).toBeCloseTo(referenceScores[row]!, 4));
}

describe('outlier neighbours from the kept lists', () => {
  it('gives the same neighbours and scores as brute force, then reuses the lists when only labels change', async () => {
    const library = openLibrary(makeTempDir());
    const cache = neighbourCache(library.paths.root, KEY);
    const fixture = neighbourFixture(300);
    const first = await nearestLabeled(fixture, { source: { ids: fixture.ids, cache } });
    expect(first.lists).toMatchObject({ reused: 0, computed: 300 });
    expect(fs.existsSync(neighbourCacheFile(library.paths.root, KEY))).toBe(true);
    expectBruteForce(first, fixture);

    // 40 labels moved to another class, 30 labeled photos unlabeled, 20 unlabeled ones labeled
    const relabeled = { ...fixture, labels: fixture.labels.slice() };
    for (let row = 0; row < 40; row++) relabeled.labels[row * 7] = ((relabeled.labels[row * 7] as number) + 1) % 3;
    for (let row = 0; row < 30; row++) relabeled.labels[row * 5 + 2] = -1;
    for (let row = 0; row < 20; row++) relabeled.labels[row * 6 + 4] = row % 3;
    const second = await nearestLabeled(relabeled, { source: { ids: fixture.ids, cache } });
    expect(second.lists).toMatchObject({ reused: 300, computed: 0, removed: 0 });
    expectBruteForce(second, relabeled);
    library.close();
  });

  it('updates the kept lists when photos are added and removed, and stays exact', async () => {
    const library = openLibrary(makeTempDir());
    const cache = neighbourCache(library.paths.root, KEY);
    const fixture = neighbourFixture(320);
    const head = (n: number) => ({
      features: fixture.features.slice(0, n * fixture.dim),
      labels: fixture.labels.slice(0, n),
      ids: fixture.ids.slice(0, n),
      dim: fixture.dim,
      numClasses: 3,
    });
    await nearestLabeled(head(300), { source: { ids: fixture.ids.slice(0, 300), cache } });
    const grown = head(320);
    const added = await nearestLabeled(grown, { source: { ids: grown.ids, cache } });
    expect(added.lists).toMatchObject({ reused: 300, computed: 20, removed: 0 });
    expectBruteForce(added, grown);

    const shrunk = head(250);
    const removed = await nearestLabeled(shrunk, { source: { ids: shrunk.ids, cache } });
    expect(removed.lists).toMatchObject({ removed: 70, computed: 0 });
    expectBruteForce(removed, shrunk);
    library.close();
  });

  it('computes exactly, against the labeled photos, the rows whose list holds fewer than k labeled photos', async () => {
    const library = openLibrary(makeTempDir());
    const fixture = neighbourFixture(300);
    // 28 % labeled: most lists of 32 hold 5 labeled photos, some do not
    const sparse = { ...fixture, labels: Int32Array.from(fixture.labels, (_, row) => (row % 25 < 7 ? row % 3 : -1)) };
    const result = await nearestLabeled(sparse, { source: { ids: fixture.ids, cache: neighbourCache(library.paths.root, KEY) } });
    expect(result.lists).not.toBeNull();
    expect(result.exactRows).toBeGreaterThan(0);
    expect(result.exactRows).toBeLessThan(300);
    expectBruteForce(result, sparse);
    library.close();
  });

  it('skips the lists when few photos are labeled, with the same scores as with them', async () => {
    const library = openLibrary(makeTempDir());
    const fixture = neighbourFixture(300);
    const few = { ...fixture, labels: Int32Array.from(fixture.labels, (label, row) => (row % 10 === 0 ? label : -1)) };
    const source = { ids: fixture.ids, cache: neighbourCache(library.paths.root, KEY) };
    const result = await nearestLabeled(few, { source });
    expect(result).toMatchObject({ lists: null, exactRows: 300 });
    expect(fs.existsSync(neighbourCacheFile(library.paths.root, KEY))).toBe(false);
    expectBruteForce(result, few);
    const withTfjs = await outlierScores(few, { engine: 'tfjs' });
    (await outlierScores(few, { source })).forEach((s, row) => expect(s).toBeCloseTo(withTfjs[row]!, 4));
    library.close();
  });

  it('keeps using lists built before when few photos are labeled now', async () => {
    const library = openLibrary(makeTempDir());
    const fixture = neighbourFixture(300);
    const source = { ids: fixture.ids, cache: neighbourCache(library.paths.root, KEY) };
    await nearestLabeled(fixture, { source });
    const few = { ...fixture, labels: Int32Array.from(fixture.labels, (label, row) => (row % 10 === 0 ? label : -1)) };
    const result = await nearestLabeled(few, { source });
    expect(result.lists).toMatchObject({ reused: 300, computed: 0 });
    expect(result.exactRows).toBeGreaterThan(0);
    expectBruteForce(result, few);
    library.close();
  });

  it('is found again by a second process opening the library, which computes nothing', async () => {
    const dir = makeTempDir();
    const library = openLibrary(dir);
    const fixture = neighbourFixture(300);
    const here = await nearestLabeled(fixture, { source: { ids: fixture.ids, cache: neighbourCache(library.paths.root, KEY) } });
    library.close();
    const child = spawnLineChild(path.join(import.meta.dirname, 'neighbour-cache-child.ts'), [dir, '300', KEY]);
    const reply = JSON.parse(await child.nextLine()) as { lists: { reused: number; computed: number }; exactRows: number; distance: number[] };
    expect(await child.exited).toBe(0);
    expect(reply.lists).toMatchObject({ reused: 300, computed: 0 });
    reply.distance.forEach((d, row) => expect(d).toBeCloseTo(here.distance[row]!, 6));
  });

  it('builds the same lists on tfjs in a process where ONNX Runtime does not load', async () => {
    const dir = makeTempDir();
    const fixture = neighbourFixture(300);
    const blocker = path.resolve(import.meta.dirname, '../../../fixtures/block-onnxruntime.mjs');
    const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(blocker).href}` };
    const child = spawnLineChild(path.join(import.meta.dirname, 'neighbour-cache-child.ts'), [dir, '300', KEY], env);
    const reply = JSON.parse(await child.nextLine()) as { lists: { computed: number; engine: string }; distance: number[]; neighbourClass: number[] };
    expect(await child.exited).toBe(0);
    expect(reply.lists).toMatchObject({ computed: 300, engine: 'tfjs' });
    expectBruteForce({ distance: Float32Array.from(reply.distance), neighbourClass: Int32Array.from(reply.neighbourClass) }, fixture);
  });

  it('ignores a damaged or foreign file and rebuilds it', async () => {
    const library = openLibrary(makeTempDir());
    const fixture = neighbourFixture(120);
    const cache = neighbourCache(library.paths.root, KEY);
    await nearestLabeled(fixture, { source: { ids: fixture.ids, cache } });
    const file = neighbourCacheFile(library.paths.root, KEY);
    fs.truncateSync(file, fs.statSync(file).size - 4);
    expect(cache.load()).toBeNull();
    const again = await nearestLabeled(fixture, { source: { ids: fixture.ids, cache } });
    expect(again.lists).toMatchObject({ computed: 120 });
    expect(neighbourCache(library.paths.root, 'another backbone').load()).toBeNull();
    expectBruteForce(again, fixture);
    library.close();
  });
});
