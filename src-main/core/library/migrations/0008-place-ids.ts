// Photos gain a place: the cluster of nearby GPS positions they belong to (core/photos/place-clusters.ts).
import type { Migration } from './migration.js';

export const migration0008: Migration = {
  version: 8,
  name: 'place-ids',
  up(db) {
    db.exec(`
      -- the smallest photo id of the photo's place cluster; NULL without GPS, and for GPS photos not clustered yet
      -- (photos.places clusters those first); the index covers what names a place (centroid, days)
      ALTER TABLE photos ADD COLUMN place_id INTEGER;
      CREATE INDEX photos_place ON photos (place_id, gps_lat, gps_lon, taken_at) WHERE place_id IS NOT NULL;
    `);
  },
};
