// `studio explain PHOTO [--run ID] [--class NAME] --out x.png`: why a run gives a photo its class — the class
// activation map blended over the photo as a PNG, and one line with the class, probability and method.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.js';
import type { CliContext } from './cli-context.js';
import { resolvePhotoIds } from './library-commands.js';
import type { ParsedCommand } from './parse-command.js';
import { requireClassNamed } from './resolve-args.js';

export const EXPLAIN_USAGE = 'explain <photo id or path> [--run ID] [--class NAME] --out FILE.png';

export async function explainCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const out = cmd.option('out');
  if (cmd.positionals.length !== 1 || !out) throw new StudioError('INVALID_INPUT', `usage: studio ${EXPLAIN_USAGE}`);
  const [photoId] = await resolvePhotoIds(ctx, cmd.positionals);
  const runId = cmd.intOption('run');
  const className = cmd.option('class');
  const classId = className === undefined ? undefined : (await requireClassNamed(ctx, className)).id;
  const request = { photoId: photoId!, ...(runId ? { runId } : {}), ...(classId ? { classId } : {}) };
  const explanation = await ctx.call('photos.explain', request);
  const target = path.resolve(out);
  const photo = await ctx.call('photos.get', { id: explanation.photoId });
  if (target === photo.path) throw new StudioError('INVALID_INPUT', `--out ${target} is the photo itself: originals are never written`);
  const png = await ctx.studio().explanationPng(request);
  try {
    fs.writeFileSync(target, png);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StudioError(code === 'ENOENT' ? 'NOT_FOUND' : 'UNAVAILABLE', `Cannot write ${target}: ${code === 'ENOENT' ? 'its folder does not exist' : (error as Error).message}`);
  }
  ctx.print({ ...explanation, out: target }, () =>
    `${explanation.className} ${(explanation.probability * 100).toFixed(1)}% (run ${explanation.runId}, ${explanation.method === 'cam' ? 'class activation map' : 'Grad-CAM'}): ${target}`,
  );
  return 0;
}
