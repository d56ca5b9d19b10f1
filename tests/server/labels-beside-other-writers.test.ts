// The server keeps answering labels.set while other processes write labels to the same library: every request
// commits (no 500 "database is locked"), and the journal holds every write of every writer.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createClass } from '../../src-main/core/library/classes.js';
import { spawnLineChild } from '../helpers/line-child.js';
import { startTestServer } from '../helpers/test-server.js';

const WRITER = fileURLToPath(new URL('../core/library/label-writer-child.ts', import.meta.url));
const OTHER_PROCESSES = 2;
const WRITES_EACH = 200;

describe('labels.set beside other writing processes', () => {
  it('commits every server request and every write of the other processes until they have all finished', async () => {
    const setup = await startTestServer({ photos: OTHER_PROCESSES + 1 });
    const { db, paths } = setup.studio.library;
    const a = createClass(db, 'a').id;
    const b = createClass(db, 'b').id;
    const [serverPhoto, ...otherPhotos] = setup.photoIds;
    const children = otherPhotos.map((id) => spawnLineChild(WRITER, [paths.root, String(id), String(WRITES_EACH), String(a), String(b)]));
    expect(await Promise.all(children.map((c) => c.nextLine()))).toEqual(children.map(() => 'ready'));
    for (const child of children) child.send('go');
    const tallies = Promise.all(children.map((c) => c.nextLine()));

    // the server writes for as long as the others do (gated on their answers, not on time)
    let othersDone = false;
    void tallies.then(() => (othersDone = true));
    const statuses: number[] = [];
    for (let i = 0; !othersDone; i++) {
      const { status } = await setup.call('labels.set', { photoIds: [serverPhoto], classId: i % 2 === 0 ? a : b });
      statuses.push(status);
    }

    expect((await tallies).map((line) => JSON.parse(line))).toEqual(children.map(() => ({ committed: WRITES_EACH, failed: 0, firstError: null })));
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const events = db.prepare('SELECT photo_id, COUNT(*) AS n FROM label_events GROUP BY photo_id ORDER BY photo_id').all();
    expect(events).toEqual([{ photo_id: serverPhoto, n: statuses.length }, ...otherPhotos.map((id) => ({ photo_id: id, n: WRITES_EACH }))]);
    await Promise.all(children.map((c) => c.exited));
  }, 120_000);
});
