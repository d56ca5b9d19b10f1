// `studio classes [create NAME | rename NAME NEW | merge NAME INTO | delete NAME]`: list or change classes by name.
import { StudioError } from '../api/errors.js';
import type { ClassInfo } from '../api/schemas.js';
import type { CliContext } from './cli-context.js';
import type { ParsedCommand } from './parse-command.js';
import { requireClassNamed } from './resolve-args.js';

export const CLASSES_USAGE = 'classes [create NAME | rename NAME NEW_NAME | merge NAME INTO_NAME | delete NAME]';

async function classNamed(ctx: CliContext, name: string | undefined): Promise<ClassInfo> {
  if (!name) throw new StudioError('INVALID_INPUT', `usage: studio ${CLASSES_USAGE}`);
  return requireClassNamed(ctx, name);
}

function expectArgs(cmd: ParsedCommand, count: number): string[] {
  const args = cmd.positionals.slice(1);
  if (args.length !== count) throw new StudioError('INVALID_INPUT', `usage: studio ${CLASSES_USAGE}`);
  return args;
}

export async function classesCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const action = cmd.positionals[0];
  switch (action) {
    case undefined: {
      const classes = await ctx.call('classes.list', {});
      ctx.print(classes, () => (classes.length ? classes.map((c) => `${c.id}\t${c.name}\t${c.photoCount}`).join('\n') : 'No classes yet.'));
      return 0;
    }
    case 'create': {
      const [name] = expectArgs(cmd, 1);
      const created = await ctx.call('classes.create', { name: name as string });
      ctx.print(created, () => `Created class ${created.name} (id ${created.id}).`);
      return 0;
    }
    case 'rename': {
      const [from, to] = expectArgs(cmd, 2);
      const renamed = await ctx.call('classes.rename', { id: (await classNamed(ctx, from)).id, name: to as string });
      ctx.print(renamed, () => `Renamed ${from} to ${renamed.name}.`);
      return 0;
    }
    case 'merge': {
      const [from, into] = expectArgs(cmd, 2);
      const source = await classNamed(ctx, from);
      const merged = await ctx.call('classes.merge', { sourceId: source.id, targetId: (await classNamed(ctx, into)).id });
      ctx.print(merged, () => `Merged ${source.name} (${source.photoCount} photos) into ${merged.name}, which now has ${merged.photoCount}.`);
      return 0;
    }
    case 'delete': {
      const [name] = expectArgs(cmd, 1);
      const deleted = await ctx.call('classes.delete', { id: (await classNamed(ctx, name)).id });
      ctx.print(deleted, () => `Deleted ${name}; its ${deleted.unlabeledPhotos} photo(s) are unlabeled now (photos are never deleted).`);
      return 0;
    }
    default:
      throw new StudioError('INVALID_INPUT', `usage: studio ${CLASSES_USAGE}; received "${action}"`);
  }
}
