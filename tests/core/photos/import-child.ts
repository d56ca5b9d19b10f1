// Child process for the crash test: imports a folder into a library and prints progress, until killed.
import { createJobContext } from '../../../src-main/core/jobs/job-context.js';
import { openLibrary } from '../../../src-main/core/library/library.js';
import { importFolder } from '../../../src-main/core/photos/import-folder.js';

const [libraryDir, root] = process.argv.slice(2);
if (!libraryDir || !root) throw new Error('usage: import-child.ts <library dir> <folder>');
const library = openLibrary(libraryDir);
const ctx = createJobContext({
  onProgress: (p) => {
    if (p.stage === 'import') process.stdout.write(`import ${p.done}\n`);
  },
});
await importFolder(library, { root, labelsFromFolders: true }, ctx);
library.close();
process.stdout.write('finished\n');
