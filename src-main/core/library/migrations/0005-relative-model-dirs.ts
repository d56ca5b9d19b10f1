// Run model folders stored relative to the library folder, so a moved or copied library finds its own models.
import path from 'node:path';
import type { Migration } from './migration.js';

export const migration0005: Migration = {
  version: 5,
  name: 'relative-model-dirs',
  up(db) {
    // self-contained on purpose (released migrations never change): the library folder is the database's folder
    const root = path.dirname(path.resolve(db.name));
    const rows = db.prepare('SELECT id, model_dir FROM runs WHERE model_dir IS NOT NULL').all() as Array<{ id: number; model_dir: string }>;
    const update = db.prepare('UPDATE runs SET model_dir = ? WHERE id = ?');
    for (const { id, model_dir: dir } of rows) {
      if (!path.isAbsolute(dir)) continue;
      const relative = path.relative(root, dir);
      const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
      // run folders were always written as <library>/models/run-N: one outside this folder belongs to the place the
      // library was moved or copied from, and its copy here is models/run-N
      if (inside) update.run(relative.split(path.sep).join('/'), id);
      else if (path.basename(path.dirname(dir)) === 'models') update.run(`models/${path.basename(dir)}`, id);
    }
  },
};
