// The events and job results of the contract on a real library: an import and a short real training (MobileNetV2
// 0.35 weights from ../shared/models, tfjs): every event parses with its schema, each finished job's result with its
// kind's type, `training.start` answers the run it fills, and that run's epochs arrive as run.epoch events.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../src-main/api/contract.js';
import { studioMethods } from '../../src-main/api/contract.js';
import { openStudio, type Studio } from '../../src-main/core/studio.js';
import { copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { eventIssues } from './contract-suite.js';

const WEIGHTS_DIR = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');
const EPOCHS = 3;

let studio: Studio;
const events: Array<{ event: EventName; payload: unknown }> = [];

function finishedOf(jobId: string): Promise<EventPayload<'job.finished'>> {
  return new Promise((resolve) => {
    const stop = studio.subscribe((event, payload) => {
      if (event !== 'job.finished' || (payload as EventPayload<'job.finished'>).jobId !== jobId) return;
      stop();
      resolve(payload as EventPayload<'job.finished'>);
    });
  });
}

beforeAll(() => {
  studio = openStudio(path.join(makeTempDir('studio-job-events-'), 'library'));
  studio.subscribe((event, payload) => events.push({ event, payload }));
});
afterAll(async () => {
  await studio?.close();
});

describe('job events and results', () => {
  it('finishes an import with an ImportSummary result, and every event parses with its schema', async () => {
    const root = copyAlpacaSubset(makeTempDir('studio-job-events-photos-'), 8);
    const { jobId } = await studio.api['photos.import']({ root, labelsFromFolders: true });
    const finished = await finishedOf(jobId);
    expect(finished).toMatchObject({ kind: 'import', status: 'done', result: { added: 16, labeled: 16 } });
    for (const { event, payload } of events) expect({ event, issues: eventIssues(event, payload) }).toEqual({ event, issues: undefined });
    const state = await studio.api['jobs.get']({ jobId });
    expect(studioMethods['jobs.get'].response.safeParse(state).error?.issues).toBeUndefined();
  });

  it('answers training.start with its run, sends each recorded epoch as run.epoch, and finishes with a TrainingResult', async () => {
    events.length = 0;
    const started = await studio.api['training.start']({ epochs: EPOCHS, kfold: 0, inputSize: 96, weightsDir: WEIGHTS_DIR });
    expect(studioMethods['training.start'].response.safeParse(started).error?.issues).toBeUndefined();
    // the run exists when the call answers
    expect((await studio.api['runs.get']({ id: started.runId })).status).toMatch(/queued|running/);
    const finished = await finishedOf(started.jobId);
    expect(finished).toMatchObject({ kind: 'training', status: 'done', result: { runId: started.runId } });
    for (const { event, payload } of events) expect({ event, issues: eventIssues(event, payload) }).toEqual({ event, issues: undefined });
    const epochs = events.filter((e) => e.event === 'run.epoch').map((e) => e.payload as EventPayload<'run.epoch'>);
    expect(epochs.map((e) => [e.jobId, e.runId, e.epoch.phase, e.epoch.epoch])).toEqual(Array.from({ length: EPOCHS }, (_, i) => [started.jobId, started.runId, 'head', i + 1]));
    // the events carry what the run recorded
    expect((await studio.api['runs.get']({ id: started.runId })).epochs).toEqual(epochs.map((e) => e.epoch));
  });

  it('refuses a training whose weights folder does not exist as the call, before a job or run exists', async () => {
    const runsBefore = (await studio.api['runs.list']({})).length;
    await expect(studio.api['training.start']({ weightsDir: path.join(makeTempDir('studio-no-weights-'), 'missing') })).rejects.toMatchObject({ code: expect.stringMatching(/NOT_FOUND|INVALID_INPUT/) });
    expect((await studio.api['runs.list']({})).length).toBe(runsBefore);
  });
});
