// CLI commands that use a finished run: predict (library photos or an outside folder), eval (outside folder), export.
import path from 'node:path';
import { StudioError } from '../api/errors.js';
import type { FolderEvaluation, FolderPredictions, LeakMatch } from '../api/training-schemas.js';
import type { CliContext } from './cli-context.js';
import type { ParsedCommand } from './parse-command.js';
import { existingFolder } from './resolve-args.js';
import { runJob, throwIfNotDone } from './run-job.js';

async function finishedResult<T>(ctx: CliContext, jobId: string): Promise<T> {
  const state = await runJob(ctx, jobId);
  throwIfNotDone(state, 'the job', 'Cancelled');
  return state.result as T;
}

function skippedLines(skipped: { path: string; reason: string }[]): string[] {
  return skipped.length ? [`skipped ${skipped.length} file(s):`, ...skipped.map((s) => `  ${s.path}: ${s.reason}`)] : [];
}

function leakLines(seen: readonly LeakMatch[], total: number): string[] {
  if (seen.length === 0) return [`none of the ${total} file(s) matches a photo used in training`];
  return [
    `${seen.length} of ${total} file(s) match photos used in training:`,
    ...seen.map((m) => `  ${m.path}: ${m.match === 'identical' ? 'identical to' : `near-duplicate (${m.distance} bits) of`} library photo ${m.photoId} (${m.libraryPath})`),
  ];
}

export async function predictCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const runId = cmd.intOption('run');
  if (cmd.positionals.length === 0) {
    const page = await ctx.call('photos.list', { limit: cmd.intOption('limit') ?? 10_000, offset: 0, sort: 'id', descending: false, ...(runId ? { runId } : {}) });
    const classes = new Map((await ctx.call('classes.list', {})).map((c) => [c.id, c.name]));
    const items = page.items
      .filter((p) => p.prediction)
      .map((p) => ({ id: p.id, path: p.path, label: p.className, predicted: classes.get(p.prediction!.classId) ?? String(p.prediction!.classId), confidence: p.prediction!.confidence, split: p.prediction!.split }));
    if (items.length === 0) throw new StudioError('NOT_FOUND', 'No predictions yet: train a model first (`studio train`)');
    ctx.print({ runId: page.items.find((p) => p.prediction)?.prediction?.runId, items }, () =>
      items.map((i) => `${i.id}\t${i.predicted}\t${i.confidence.toFixed(4)}\tlabel ${i.label ?? '-'}\t${i.split}\t${i.path}`).join('\n'),
    );
    return 0;
  }
  const root = existingFolder(cmd.positionals[0], 'predict [<dir>] [--run ID]');
  const { jobId } = await ctx.call('predict.folder', { root, ...(runId ? { runId } : {}) });
  const result = await finishedResult<FolderPredictions>(ctx, jobId);
  ctx.print(result, () =>
    [
      ...result.items.map((i) => `${i.className}\t${(i.probabilities.find((c) => c.name === i.className)?.p ?? 0).toFixed(4)}\t${i.path}${i.seenInTraining ? '\tseen in training' : ''}`),
      ...leakLines(result.seenInTraining, result.items.length),
      ...skippedLines(result.skipped),
    ].join('\n'),
  );
  return 0;
}

export async function evalCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const root = existingFolder(cmd.positionals[0], 'eval <dir with class subfolders> [--run ID]');
  const runId = cmd.intOption('run');
  const { jobId } = await ctx.call('predict.evaluate', { root, ...(runId ? { runId } : {}) });
  const result = await finishedResult<FolderEvaluation>(ctx, jobId);
  const m = result.metrics;
  ctx.print(result, () =>
    [
      `run ${result.runId} on ${result.photos} photos of ${root}: accuracy ${m.accuracy.toFixed(4)}${m.rocAuc !== null ? `, ROC AUC ${m.rocAuc.toFixed(4)}` : ''}`,
      ...m.perClass.map((c) => `  ${c.name}: precision ${c.precision.toFixed(3)}, recall ${c.recall.toFixed(3)}, F1 ${c.f1.toFixed(3)} (n=${c.support})`),
      `  confusion (rows = true, columns = predicted): ${m.confusion.map((r) => `[${r.join(' ')}]`).join(' ')}`,
      ...(result.seenInTraining.length > 0
        ? [
            result.unseen
              ? `accuracy on the ${result.unseen.photos} file(s) not seen in training: ${result.unseen.metrics.accuracy.toFixed(4)}`
              : 'every file was seen in training: this accuracy says nothing about new photos',
          ]
        : []),
      ...leakLines(result.seenInTraining, result.photos),
      ...skippedLines(result.skipped),
    ].join('\n'),
  );
  return 0;
}

export async function exportCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const runId = cmd.intOption('run');
  const out = cmd.option('out');
  const format = cmd.option('format') ?? 'tfjs';
  if (!runId || !out) throw new StudioError('INVALID_INPUT', 'usage: studio export --run ID --out DIR [--format tfjs|onnx]');
  if (format !== 'tfjs' && format !== 'onnx') throw new StudioError('INVALID_INPUT', `--format expects tfjs or onnx; received "${format}"`);
  const result = await ctx.call('runs.export', { runId, outDir: path.resolve(out), format });
  ctx.print(result, () => `Exported run ${runId} (${result.classes.join(', ')}) to ${result.outDir}: ${result.files.join(', ')}`);
  return 0;
}
