// Which form fields an error is about: the core's named settings, or a request's schema issue paths.
import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../../../src-main/api/dispatch.js';
import { resolveTrainingConfig } from '../../../../src-main/api/training-settings-rules.js';
import { errorFields } from '../../../../src-renderer/lib/utils/error-fields.js';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('errorFields', () => {
  it('reads the settings a training refusal names', () => {
    expect(errorFields(thrown(() => resolveTrainingConfig({ fineTuneEpochs: 3 })))).toEqual(['fineTuneLayers', 'fineTuneEpochs']);
  });

  it("reads the paths of a request's schema issues", () => {
    expect(errorFields(thrown(() => parseRequest('training.start', { epochs: 501 })))).toEqual(['epochs']);
    expect(errorFields(thrown(() => parseRequest('training.start', { augmentation: { rotation: { enabled: true, strength: 999 } } })))).toEqual(['augmentation.rotation.strength']);
  });

  it('finds nothing in errors without details', () => {
    expect(errorFields(new Error('boom'))).toEqual([]);
    expect(errorFields(null)).toEqual([]);
  });
});
