// browseFolders: the subfolders of a server folder with the image files directly in each, hidden ones left out,
// relative paths refused, a folder it cannot read named in one line.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browseFolders } from '../../../src-main/core/photos/browse-folders.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { copyInto } from './import-helpers.js';

const HIKE_DIR = path.join(SHARED_DIR, 'photos', 'hike-unlabeled');

function tree(): string {
  const root = makeTempDir('browse-');
  copyInto(root, {
    'trip 10/Aqua.jpg': path.join(HIKE_DIR, 'Aqua.jpg'),
    'trip 2/Dune.jpg': path.join(HIKE_DIR, 'Dune.jpg'),
    'trip 2/Wood.jpg': path.join(HIKE_DIR, 'Wood.jpg'),
    'trip 2/deeper/Storm.jpg': path.join(HIKE_DIR, 'Storm.jpg'),
    '.cache/Garden.jpg': path.join(HIKE_DIR, 'Garden.jpg'),
    'Top.jpg': path.join(HIKE_DIR, 'Blinds.jpg'),
  });
  fs.writeFileSync(path.join(root, 'trip 2', 'notes.txt'), 'not a photo');
  fs.mkdirSync(path.join(root, 'empty'));
  return root;
}

describe('browseFolders', () => {
  it('lists subfolders in natural order with their own photo counts, hidden folders left out', async () => {
    const root = tree();
    const listing = await browseFolders({ path: root });
    expect(listing).toMatchObject({ path: root, parent: path.dirname(root), photos: 1 });
    expect(listing.folders).toEqual([
      { name: 'empty', path: path.join(root, 'empty'), photos: 0, error: null },
      { name: 'trip 2', path: path.join(root, 'trip 2'), photos: 2, error: null },
      { name: 'trip 10', path: path.join(root, 'trip 10'), photos: 1, error: null },
    ]);
  });

  it('starts at the home folder it is given and has no parent at the root', async () => {
    const home = tree();
    expect((await browseFolders({}, { home })).path).toBe(home);
    expect((await browseFolders({ path: path.parse(home).root })).parent).toBeNull();
  });

  it('refuses a relative path and names a folder it cannot find or read', async () => {
    await expect(browseFolders({ path: 'photos' })).rejects.toThrow(/Expected an absolute folder path.*"photos"/);
    const root = tree();
    await expect(browseFolders({ path: path.join(root, 'nope') })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `Cannot read the folder ${path.join(root, 'nope')}: not found` });
    const file = path.join(root, 'Top.jpg');
    await expect(browseFolders({ path: file })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `Cannot read the folder ${file}: not a folder` });
  });
});
