// readExif: the facts kept from EXIF, read from a JPEG that sharp writes with known tags.
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cameraName, exifDateToIso, readExif } from '../../../src-main/core/photos/read-exif.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';

describe('readExif', () => {
  it('reads date taken, GPS position and camera', async () => {
    const jpeg = await sharp({ create: { width: 16, height: 8, channels: 3, background: '#808080' } })
      .jpeg()
      .withExif({
        IFD0: { Make: 'Canon', Model: 'Canon EOS 5D' },
        IFD2: { DateTimeOriginal: '2021:07:14 09:30:05', OffsetTimeOriginal: '+02:00' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '46/1 30/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '7/1 45/1 0/1' },
      })
      .toBuffer();
    const facts = await readExif(jpeg);
    expect(facts.takenAt).toBe('2021-07-14T09:30:05+02:00');
    expect(facts.camera).toBe('Canon EOS 5D');
    expect(facts.gps?.lat).toBeCloseTo(46.5, 6);
    expect(facts.gps?.lon).toBeCloseTo(7.75, 6);
  });

  it('reads the orientation tag of a photo taken with the camera turned', async () => {
    expect((await readExif(path.join(SHARED_DIR, 'bad-inputs', 'rot6.jpg'))).orientation).toBe(6);
  });

  it('returns nothing, without throwing, for a file without EXIF or not an image', async () => {
    const plain = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
    expect(await readExif(plain)).toEqual({ orientation: null, takenAt: null, gps: null, camera: null });
    expect(await readExif(Buffer.from('not an image'))).toEqual({ orientation: null, takenAt: null, gps: null, camera: null });
  });

  it('keeps the camera clock as written instead of shifting it to the machine time zone', () => {
    expect(exifDateToIso('2019:05:04 23:59:58', undefined)).toBe('2019-05-04T23:59:58');
    expect(exifDateToIso('0000:00:00 00:00:00', undefined)).toBeNull();
  });

  it('does not repeat the make when the model already starts with it', () => {
    expect(cameraName('NIKON CORPORATION', 'NIKON D750')).toBe('NIKON D750');
    expect(cameraName('Apple', 'iPhone 12')).toBe('Apple iPhone 12');
    expect(cameraName(undefined, undefined)).toBeNull();
  });
});
