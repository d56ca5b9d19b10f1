// Processes that open a brand-new library at the same moment: exactly one creates the schema, none fails.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src-main/core/library/library.js';
import { getSchemaVersion } from '../../../src-main/core/library/migrate.js';
import { MIGRATIONS } from '../../../src-main/core/library/migrations/index.js';
import { spawnLineChild } from '../../helpers/line-child.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const OPENER = fileURLToPath(new URL('./open-library-child.ts', import.meta.url));
const PROCESSES = 6;
const ROUNDS = 10;

describe('opening a new library from several processes at once', () => {
  const children = Array.from({ length: PROCESSES }, () => spawnLineChild(OPENER, []));
  afterAll(async () => {
    for (const child of children) child.process.stdin!.end();
    await Promise.all(children.map((c) => c.exited));
  });

  it(`creates the schema once and answers ok to all ${PROCESSES} processes, ${ROUNDS} rounds in a row`, async () => {
    expect(await Promise.all(children.map((c) => c.nextLine()))).toEqual(children.map(() => 'ready'));
    const root = makeTempDir('open-together-');
    const answers: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const dir = path.join(root, `lib-${round}`);
      // every child is idle on its stdin, so the same line releases them together
      for (const child of children) child.send(`open ${dir}`);
      answers.push(...(await Promise.all(children.map((c) => c.nextLine()))));
      const library = openLibrary(dir);
      expect(getSchemaVersion(library.db)).toBe(MIGRATIONS.at(-1)!.version);
      expect(library.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'photos'").pluck().get()).toBe(1);
      library.close();
    }
    expect(answers.filter((a) => a !== 'ok')).toEqual([]);
    expect(answers).toHaveLength(PROCESSES * ROUNDS);
  });
});
