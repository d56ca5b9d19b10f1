// Leak check for `predict` / `eval` on an outside folder: which files are photos the run trained on — the same
// bytes (content hash) or a near-duplicate (dHash within the import's near-duplicate distance). Their results say
// nothing about new photos, so they are counted and reported apart.
import type { Database } from 'better-sqlite3';
import type { LeakMatch } from '../../../api/training-schemas.js';
import { throwIfCancelled } from '../../jobs/job-context.js';
import { decodeWorkingImage } from '../../photos/derive-images.js';
import { hashFile } from '../../photos/hash-file.js';
import { DUPLICATE_MAX_DISTANCE } from '../../photos/near-duplicates.js';
import { differenceHash, hammingDistance } from '../../photos/perceptual-hash.js';

interface TrainingPhoto {
  id: number;
  path: string;
  contentHash: string;
  phash: string | null;
}

/** The photos whose labels the run's final model was fitted on (split 'train'; with k-fold that is every one). */
function trainingPhotos(db: Database, runId: number): TrainingPhoto[] {
  return db
    .prepare(
      `SELECT p.id, p.path, p.content_hash AS contentHash, p.phash FROM run_photos rp JOIN photos p ON p.id = rp.photo_id
       WHERE rp.run_id = ? AND rp.split = 'train' ORDER BY p.id`,
    )
    .all(runId) as TrainingPhoto[];
}

async function perceptualHash(file: string): Promise<string | null> {
  try {
    const image = await decodeWorkingImage(file);
    return await differenceHash(image.data, image);
  } catch {
    return null; // an unreadable file is reported by the prediction step; it cannot match by look
  }
}

/** One entry per file that matches a training photo (identical first, else the closest near-duplicate). */
export async function findTrainingMatches(db: Database, runId: number, files: readonly string[], signal?: AbortSignal): Promise<Map<string, LeakMatch>> {
  const photos = trainingPhotos(db, runId);
  const byHash = new Map(photos.map((p) => [p.contentHash, p]));
  const hashed = photos.filter((p): p is TrainingPhoto & { phash: string } => p.phash !== null);
  const matches = new Map<string, LeakMatch>();
  for (const file of files) {
    if (signal) throwIfCancelled(signal);
    const contentHash = await hashFile(file, signal).catch(() => null);
    const same = contentHash !== null ? byHash.get(contentHash) : undefined;
    if (same) {
      matches.set(file, { path: file, photoId: same.id, libraryPath: same.path, match: 'identical', distance: 0 });
      continue;
    }
    const phash = await perceptualHash(file);
    if (phash === null) continue;
    let best: { photo: TrainingPhoto; distance: number } | null = null;
    for (const photo of hashed) {
      const distance = hammingDistance(phash, photo.phash);
      if (distance <= DUPLICATE_MAX_DISTANCE && (!best || distance < best.distance)) best = { photo, distance };
    }
    if (best) matches.set(file, { path: file, photoId: best.photo.id, libraryPath: best.photo.path, match: 'near-duplicate', distance: best.distance });
  }
  return matches;
}
