// Schemas of the where/when groups of photos (photos.days, photos.places): the grid's day and place filters.
import { z } from 'zod';
import { Id } from './schemas.js';

export const DayCount = z.object({ day: z.iso.date(), count: z.number().int() });

/** Capture days with photos, oldest first, and the trips they make (runs of consecutive days). */
export const PhotoDays = z.object({
  days: z.array(DayCount),
  trips: z.array(z.object({ from: z.iso.date(), to: z.iso.date(), days: z.number().int(), count: z.number().int() })),
  /** photos without a capture date */
  undated: z.number().int(),
});
export type PhotoDays = z.infer<typeof PhotoDays>;

export const PlaceGroup = z.object({
  id: Id,
  /** centroid of all the place's photos (the place's name: no reverse geocoding, everything stays offline) */
  lat: z.number(),
  lon: z.number(),
  /** photos of the place that match the request's other filters */
  count: z.number().int(),
  /** all the place's photos */
  total: z.number().int(),
  /** first and last capture day among the place's photos (null when none has a date) */
  firstDay: z.iso.date().nullable(),
  lastDay: z.iso.date().nullable(),
});
export type PlaceGroup = z.infer<typeof PlaceGroup>;

/** Places in the order they were first visited (undated ones last), with the photos that have no GPS. */
export const PhotoPlaces = z.object({
  places: z.array(PlaceGroup),
  noLocation: z.number().int(),
  /** photos within this distance of each other share a place */
  linkKm: z.number(),
});
export type PhotoPlaces = z.infer<typeof PhotoPlaces>;
