// An exported model's README tells the caller how the run cut photos to the model's square.
import { describe, expect, it } from 'vitest';
import { preprocessingSpec } from '../../../../src-main/core/ml/features/preprocess.js';
import { describeGeometry } from '../../../../src-main/core/ml/runs/run-model.js';

describe('describeGeometry', () => {
  it('describes a centre crop with the short side it resizes to', () => {
    expect(describeGeometry(preprocessingSpec(288, 'center-crop'), 288)).toBe('resize the short side to 329 px (bilinear) and keep the centre 288×288');
  });

  it('describes a stretch for fill runs and for runs recorded before the geometry existed', () => {
    expect(describeGeometry(preprocessingSpec(160, 'fill'), 160)).toBe('resize to 160×160 (stretch, bilinear)');
    expect(describeGeometry({ version: 1 }, 224)).toBe('resize to 224×224 (stretch, bilinear)');
  });
});
