// A small hike trip with EXIF dates and GPS: real alpaca photos re-encoded by sharp (320 px) with EXIF written by
// sharp's withExif, in `<root>/alpaca/` and `<root>/not_alpaca/`, so an import labels them from their folders.
// Three places × two consecutive days, one more day two days later, and photos without a date and/or GPS.
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Exif } from 'sharp';
import { ALPACA_DATASET, alpacaNames } from './alpaca-subset.js';

export interface GeoPoint {
  lat: number;
  lon: number;
}

/** ~700 m of latitude: below the 1 km place link, so photos this far apart chain into one place */
const STEP_DEG = 0.0063;

export const TRIP_PLACES = {
  cusco: { lat: -13.5163, lon: -71.9785 },
  pisac: { lat: -13.423, lon: -71.857 },
  arequipa: { lat: -16.3989, lon: -71.535 },
} as const satisfies Record<string, GeoPoint>;
export type TripPlace = keyof typeof TRIP_PLACES;

export interface TripPhoto {
  name: string;
  className: 'alpaca' | 'not_alpaca';
  /** EXIF DateTimeOriginal (the camera's local time), with its offset when the camera wrote one */
  takenAt?: string;
  offset?: string;
  place?: TripPlace;
  /** metres north of the place's point */
  north?: number;
}

export const TRIP_PHOTOS: readonly TripPhoto[] = [
  { name: 'a1', className: 'alpaca', takenAt: '2024:05:01 09:00:00', place: 'cusco' },
  { name: 'a2', className: 'alpaca', takenAt: '2024:05:01 09:30:00', place: 'cusco', north: 1 },
  // 1.4 km from a1 but 700 m from a2: one place by chaining
  { name: 'n1', className: 'not_alpaca', takenAt: '2024:05:01 10:00:00', place: 'cusco', north: 2 },
  // 04:30 on 2 May in UTC, but the local day is 1 May
  { name: 'a3', className: 'alpaca', takenAt: '2024:05:01 23:30:00', offset: '-05:00', place: 'pisac' },
  { name: 'n2', className: 'not_alpaca', takenAt: '2024:05:01 15:00:00', place: 'pisac', north: 0.3 },
  { name: 'a4', className: 'alpaca', takenAt: '2024:05:02 08:00:00', place: 'pisac' },
  { name: 'a5', className: 'alpaca', takenAt: '2024:05:02 12:00:00', place: 'arequipa' },
  { name: 'n3', className: 'not_alpaca', takenAt: '2024:05:02 13:00:00', place: 'arequipa', north: 0.4 },
  { name: 'n5', className: 'not_alpaca', takenAt: '2024:05:04 07:00:00', place: 'arequipa' },
  { name: 'a6', className: 'alpaca', place: 'cusco', north: 0.5 },
  { name: 'n4', className: 'not_alpaca', takenAt: '2024:05:02 18:00:00' },
  { name: 'a7', className: 'alpaca' },
];

export function positionOf(photo: TripPhoto): GeoPoint | null {
  if (!photo.place) return null;
  const base = TRIP_PLACES[photo.place];
  return { lat: base.lat + (photo.north ?? 0) * STEP_DEG, lon: base.lon };
}

/** EXIF GPS: degrees, minutes and hundredths of seconds as rationals, the sign in the reference letter. */
function dms(value: number): string {
  const abs = Math.abs(value);
  const degrees = Math.floor(abs);
  const minutes = Math.floor((abs - degrees) * 60);
  const centiSeconds = Math.round(((abs - degrees) * 60 - minutes) * 60 * 100);
  return `${degrees}/1 ${minutes}/1 ${centiSeconds}/100`;
}

function exifOf(photo: TripPhoto): Exif {
  const exif: Exif = { IFD0: { Make: 'Trail', Model: 'Trail Cam 1' } };
  if (photo.takenAt) exif.IFD2 = { DateTimeOriginal: photo.takenAt, ...(photo.offset ? { OffsetTimeOriginal: photo.offset } : {}) };
  const at = positionOf(photo);
  if (at) {
    exif.IFD3 = {
      GPSLatitudeRef: at.lat < 0 ? 'S' : 'N',
      GPSLatitude: dms(at.lat),
      GPSLongitudeRef: at.lon < 0 ? 'W' : 'E',
      GPSLongitude: dms(at.lon),
    };
  }
  return exif;
}

/** Writes TRIP_PHOTOS (or `photos`) as JPEGs under `root`; each class takes the dataset's photos in name order. */
export async function writeTripPhotos(root: string, photos: readonly TripPhoto[] = TRIP_PHOTOS, firstSource = 0): Promise<string> {
  const used = { alpaca: firstSource, not_alpaca: firstSource };
  for (const photo of photos) {
    const source = path.join(ALPACA_DATASET, photo.className, alpacaNames(photo.className)[used[photo.className]++]!);
    fs.mkdirSync(path.join(root, photo.className), { recursive: true });
    await sharp(source).rotate().resize({ width: 320 }).jpeg({ quality: 85 }).withExif(exifOf(photo)).toFile(path.join(root, photo.className, `${photo.name}.jpg`));
  }
  return root;
}
