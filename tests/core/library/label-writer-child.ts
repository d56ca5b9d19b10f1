// Child process for the concurrent-writers test: opens a library, says "ready", and on "go" commits K label
// writes (one photo, alternating two classes, so every write journals exactly one event); prints a JSON tally.
import readline from 'node:readline';
import { openLibrary } from '../../../src-main/core/library/library.js';
import { setLabels } from '../../../src-main/core/library/labels.js';

const [libraryDir, photoIdArg, writesArg, classA, classB] = process.argv.slice(2);
if (!libraryDir || !photoIdArg || !writesArg || !classA || !classB) {
  throw new Error('usage: label-writer-child.ts <library> <photo id> <writes> <class a> <class b>');
}
const library = openLibrary(libraryDir);
process.stdout.write('ready\n');
const input = readline.createInterface({ input: process.stdin });
for await (const line of input) {
  if (line !== 'go') continue;
  let committed = 0;
  const errors: string[] = [];
  for (let i = 0; i < Number(writesArg); i++) {
    try {
      setLabels(library.db, { photoIds: [Number(photoIdArg)], classId: Number(i % 2 === 0 ? classA : classB), source: 'cli' });
      committed++;
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
    }
  }
  process.stdout.write(`${JSON.stringify({ committed, failed: errors.length, firstError: errors[0] ?? null })}\n`);
  break;
}
input.close();
library.close();
