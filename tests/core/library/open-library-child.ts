// Child process for the simultaneous-open test: on each "open DIR" line, opens (and closes) the library there and
// answers "ok" or "error: <message>".
import readline from 'node:readline';
import { openLibrary } from '../../../src-main/core/library/library.js';

process.stdout.write('ready\n');
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line.startsWith('open ')) break;
  try {
    openLibrary(line.slice('open '.length)).close();
    process.stdout.write('ok\n');
  } catch (error) {
    process.stdout.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
