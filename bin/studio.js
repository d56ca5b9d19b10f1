#!/usr/bin/env node
// `studio` command: registers tsx and runs the TypeScript CLI (src-main/cli.ts).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
