// Child process for the crash and concurrency tests: imports a folder into a library and prints progress.
// With a third argument N it stops at N files done (the main thread blocked, the thread pool still writing) and
// says "held", so a test kills it at a known point instead of hoping the import is still running.
import fs from 'node:fs';
import { createJobContext } from '../../../src-main/core/jobs/job-context.js';
import { openLibrary } from '../../../src-main/core/library/library.js';
import { importFolder } from '../../../src-main/core/photos/import-folder.js';

const [libraryDir, root, holdAt] = process.argv.slice(2);
if (!libraryDir || !root) throw new Error('usage: import-child.ts <library dir> <folder> [hold at N files done]');
const library = openLibrary(libraryDir);
const ctx = createJobContext({
  onProgress: (p) => {
    if (p.stage === 'import') process.stdout.write(`import ${p.done}\n`);
  },
});
if (holdAt !== undefined) {
  const report = ctx.report.bind(ctx);
  ctx.report = (update) => {
    report(update);
    if (update.stage === 'import' && update.done === Number(holdAt)) {
      fs.writeSync(1, `held ${update.done}\n`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }
  };
}
await importFolder(library, { root, labelsFromFolders: true }, ctx);
library.close();
process.stdout.write('finished\n');
