#!/usr/bin/env node
// `studio` command: runs the built CLI (dist/main, `npm run build:main`) when it is fresh, else registers tsx and
// runs the TypeScript (src-main/cli.ts). STUDIO_FROM_SOURCE=1 always runs the sources.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBuiltCli } from './built-cli.js';

const built = process.env.STUDIO_FROM_SOURCE === '1' ? null : freshBuiltCli(fileURLToPath(new URL('..', import.meta.url)));
let cli;
if (built) cli = await import(pathToFileURL(built).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src-main/cli.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
