// The EXIF facts the library keeps: orientation, date taken, GPS position, camera. Missing or broken EXIF is normal.
import exifr from 'exifr';

export interface ExifFacts {
  orientation: number | null;
  /** ISO 8601 as the camera wrote it: local time, with the offset only when the file records one */
  takenAt: string | null;
  gps: { lat: number; lon: number } | null;
  camera: string | null;
}

export const NO_EXIF: ExifFacts = { orientation: null, takenAt: null, gps: null, camera: null };

const EXIF_OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  ifd1: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  interop: false,
  makerNote: false,
  userComment: false,
  // raw values: numeric Orientation, date strings untouched (exifr would turn them into Dates in the
  // machine's time zone, which changes the recorded time)
  translateValues: false,
  reviveValues: false,
  mergeOutput: true,
};

type RawExif = Record<string, unknown>;

const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;

export function exifDateToIso(value: unknown, offset: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = EXIF_DATE.exec(value.trim());
  if (!m || m[1] === '0000') return null;
  const zone = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset.trim()) ? offset.trim() : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.replace(/\0/g, '').trim() : null;
}

/** "Canon Canon EOS 5D" → "Canon EOS 5D": many makers repeat the make in the model. */
export function cameraName(make: unknown, model: unknown): string | null {
  const mk = text(make);
  const md = text(model);
  if (mk && md) return md.toLowerCase().startsWith(mk.toLowerCase().split(' ')[0] ?? '') ? md : `${mk} ${md}`;
  return md ?? mk;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export async function readExif(file: string | Buffer): Promise<ExifFacts> {
  let raw: RawExif | undefined;
  try {
    raw = (await exifr.parse(file, EXIF_OPTIONS)) as RawExif | undefined;
  } catch {
    return NO_EXIF;
  }
  if (!raw) return NO_EXIF;
  const lat = finite(raw.latitude);
  const lon = finite(raw.longitude);
  const orientation = finite(raw.Orientation);
  return {
    orientation: orientation !== null && orientation >= 1 && orientation <= 8 ? orientation : null,
    takenAt:
      exifDateToIso(raw.DateTimeOriginal, raw.OffsetTimeOriginal) ??
      exifDateToIso(raw.CreateDate, raw.OffsetTimeDigitized) ??
      exifDateToIso(raw.ModifyDate, raw.OffsetTime),
    gps: lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0) ? { lat, lon } : null,
    camera: cameraName(raw.Make, raw.Model),
  };
}
