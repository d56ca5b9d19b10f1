// review.resolve's take-backs (undo in the review view): unkeep removes a keep's confirmation, include undoes an
// exclude; neither touches the label.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStudio } from '../../src-main/core/studio.js';
import { insertSyntheticPhotos } from '../helpers/insert-photos.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('review decisions taken back', () => {
  const studio = openStudio(path.join(makeTempDir('studio-review-undo-'), 'library'));
  const [photoId] = insertSyntheticPhotos(studio.library.db, 3);
  afterAll(() => studio.close());
  const confirmations = () => studio.library.db.prepare('SELECT COUNT(*) FROM label_confirmations WHERE photo_id = ?').pluck().get(photoId);

  it('unkeep removes the confirmation a keep wrote, and the label stays', async () => {
    const cls = await studio.api['classes.create']({ name: 'alpaca' });
    await studio.api['labels.set']({ photoIds: [photoId!], classId: cls.id, source: 'user' });
    await studio.api['review.resolve']({ photoId: photoId!, action: 'keep' });
    expect(confirmations()).toBe(1);
    await studio.api['review.resolve']({ photoId: photoId!, action: 'unkeep' });
    expect(confirmations()).toBe(0);
    expect((await studio.api['photos.get']({ id: photoId! })).classId).toBe(cls.id);
  });

  it('include brings an excluded photo back into training', async () => {
    await studio.api['review.resolve']({ photoId: photoId!, action: 'exclude' });
    expect((await studio.api['photos.get']({ id: photoId! })).excluded).toBe(true);
    await studio.api['review.resolve']({ photoId: photoId!, action: 'include' });
    expect((await studio.api['photos.get']({ id: photoId! })).excluded).toBe(false);
  });

  it('refuses to include a photo that does not exist', async () => {
    await expect(studio.api['review.resolve']({ photoId: 999_999, action: 'include' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
