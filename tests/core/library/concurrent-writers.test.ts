// Several processes writing labels to one library at the same moment: every write waits its turn, none fails.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createClass } from '../../../src-main/core/library/classes.js';
import { openLibrary } from '../../../src-main/core/library/library.js';
import { insertSyntheticPhotos } from '../../helpers/insert-photos.js';
import { spawnLineChild } from '../../helpers/line-child.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const WRITER = fileURLToPath(new URL('./label-writer-child.ts', import.meta.url));
const PROCESSES = 4;
const WRITES_EACH = 150;

describe('concurrent label writers', () => {
  it(`commits every label write of ${PROCESSES} processes started together, journaling all of them`, async () => {
    const dir = path.join(makeTempDir('concurrent-writers-'), 'lib');
    const library = openLibrary(dir);
    const a = createClass(library.db, 'a').id;
    const b = createClass(library.db, 'b').id;
    const photoIds = insertSyntheticPhotos(library.db, PROCESSES);
    library.close();

    const children = photoIds.map((id) => spawnLineChild(WRITER, [dir, String(id), String(WRITES_EACH), String(a), String(b)]));
    expect(await Promise.all(children.map((c) => c.nextLine()))).toEqual(photoIds.map(() => 'ready'));
    for (const child of children) child.send('go');
    const tallies = (await Promise.all(children.map((c) => c.nextLine()))).map(
      (line) => JSON.parse(line) as { committed: number; failed: number; firstError: string | null },
    );
    expect(await Promise.all(children.map((c) => c.exited))).toEqual(photoIds.map(() => 0));

    expect(tallies).toEqual(photoIds.map(() => ({ committed: WRITES_EACH, failed: 0, firstError: null })));
    const reopened = openLibrary(dir);
    const events = reopened.db.prepare('SELECT photo_id, COUNT(*) AS n FROM label_events GROUP BY photo_id ORDER BY photo_id').all();
    expect(events).toEqual(photoIds.map((id) => ({ photo_id: id, n: WRITES_EACH })));
    expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok');
    reopened.close();
  });
});
