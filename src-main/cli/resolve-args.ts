// Turns what people type on the command line (folders, class names) into checked values, one way for every command.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.js';
import type { ClassInfo } from '../api/schemas.js';
import type { CliContext } from './cli-context.js';

export function existingFolder(dir: string | undefined, usage: string): string {
  if (!dir) throw new StudioError('INVALID_INPUT', `usage: studio ${usage}`);
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new StudioError('NOT_FOUND', `Not a folder: ${root}`);
  return root;
}

/** Class names compare like the database does (case-insensitive, trimmed). */
export async function findClassNamed(ctx: CliContext, name: string): Promise<ClassInfo | undefined> {
  const wanted = name.trim().toLowerCase();
  return (await ctx.call('classes.list', {})).find((c) => c.name.toLowerCase() === wanted);
}

export async function requireClassNamed(ctx: CliContext, name: string): Promise<ClassInfo> {
  const found = await findClassNamed(ctx, name);
  if (!found) throw new StudioError('NOT_FOUND', `No class named "${name}"`);
  return found;
}
