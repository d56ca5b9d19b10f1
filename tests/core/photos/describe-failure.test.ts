import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../../src-main/core/photos/describe-failure.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const BAD = path.join(SHARED_DIR, 'bad-inputs');

describe('describeFailure', () => {
  it('names a truncated JPEG even when the decoder lost its own message', async () => {
    const reason = await describeFailure(path.join(BAD, 'truncated_60KB_of_555KB.jpg'), new Error('Unknown error'));
    expect(reason).toBe('truncated JPEG: the file ends before its image data does (no end-of-image marker)');
  });

  it('calls a complete JPEG that fails to decode corrupt, with the decoder message', async () => {
    const copy = path.join(makeTempDir(), 'complete.jpg');
    fs.copyFileSync(path.join(BAD, 'progressive.jpg'), copy);
    expect(await describeFailure(copy, new Error('VipsJpeg: Corrupt JPEG data: bad Huffman code'))).toBe('corrupt JPEG: Corrupt JPEG data: bad Huffman code');
  });

  it('says what a file that is not an image starts with, and names an empty file', async () => {
    const unsupported = new Error('Input file contains unsupported image format');
    expect(await describeFailure(path.join(BAD, 'text_with_jpg_ext.jpg'), unsupported)).toMatch(/^not an image: no known image format \(starts with text "/);
    expect(await describeFailure(path.join(BAD, 'zero_bytes.jpg'), unsupported)).toBe('empty file (0 bytes)');
  });
});
