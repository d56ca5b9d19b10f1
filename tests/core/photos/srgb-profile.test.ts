// isStandardSrgbProfile: only a profile whose colour transform is the standard sRGB one is taken as is.
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isStandardSrgbProfile } from '../../../src-main/core/photos/srgb-profile.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';

const alpaca = (name: string) => path.join(SHARED_DIR, 'datasets', 'alpaca', 'alpaca', name);
const profileOf = async (file: string) => (await sharp(file).metadata()).icc!;

/** The offset of a tag's data in an ICC profile. */
function tagOffset(icc: Buffer, name: string): number {
  for (let i = 0; i < icc.readUInt32BE(128); i++) if (icc.toString('latin1', 132 + 12 * i, 136 + 12 * i) === name) return icc.readUInt32BE(136 + 12 * i);
  throw new Error(`no ${name} tag`);
}

describe('isStandardSrgbProfile', () => {
  it('recognises the sRGB IEC61966-2.1 profile cameras embed, whatever its name says', async () => {
    const srgb = await profileOf(alpaca('320a5e2a64c75f30.jpg'));
    expect(isStandardSrgbProfile(srgb)).toBe(true);
    const renamed = Buffer.from(srgb);
    renamed.write('Xy', tagOffset(renamed, 'desc') + 12, 'latin1'); // the description is not the transform
    expect(isStandardSrgbProfile(renamed)).toBe(true);
  });

  it('refuses a camera profile, no profile, a truncated one and an sRGB profile with one primary moved', async () => {
    expect(isStandardSrgbProfile(await profileOf(alpaca('053608552d63f724.jpg')))).toBe(false);
    expect(isStandardSrgbProfile(undefined)).toBe(false);
    const srgb = await profileOf(alpaca('320a5e2a64c75f30.jpg'));
    expect(isStandardSrgbProfile(srgb.subarray(0, 200))).toBe(false);
    const moved = Buffer.from(srgb);
    const red = tagOffset(moved, 'rXYZ') + 8; // after the 'XYZ ' type and reserved bytes: the X value
    moved.writeInt32BE(moved.readInt32BE(red) + 1, red);
    expect(isStandardSrgbProfile(moved)).toBe(false);
  });
});
