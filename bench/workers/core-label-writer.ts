// Child process of bench/concurrent-writers.ts: writes labels through the core API (as the app and the server do)
// from the parent's "go" line until a deadline, one photo per write, alternating two classes so every write is a real
// change; prints "ready" once the library is open, then a JSON tally.
import readline from 'node:readline';
import { openStudio } from '../../src-main/core/studio.js';

const [libraryDir, photoIdsArg, classA, classB, secondsArg] = process.argv.slice(2);
if (!libraryDir || !photoIdsArg || !classA || !classB || !secondsArg) {
  throw new Error('usage: core-label-writer.ts <library> <photo ids,…> <class a> <class b> <seconds>');
}
const photoIds = photoIdsArg.split(',').map(Number);
const studio = openStudio(libraryDir);
process.stdout.write('ready\n');
const input = readline.createInterface({ input: process.stdin });
await new Promise<void>((resolve) => input.once('line', () => resolve()));
input.close();
const deadline = performance.now() + Number(secondsArg) * 1000;
let committed = 0;
const errors: string[] = [];
for (let i = 0; performance.now() < deadline; i++) {
  const photoId = photoIds[i % photoIds.length]!;
  const classId = Number(Math.floor(i / photoIds.length) % 2 === 0 ? classA : classB);
  try {
    await studio.api['labels.set']({ photoIds: [photoId], classId, source: 'user' });
    committed++;
  } catch (error) {
    errors.push(error instanceof Error ? error.message : String(error));
  }
}
await studio.close();
process.stdout.write(`${JSON.stringify({ committed, failed: errors.length, firstError: errors[0] ?? null })}\n`);
