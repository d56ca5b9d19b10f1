// CLI commands for training and its results: train, runs, run, review.
import { StudioError } from '../api/errors.js';
import { ReviewQueueName, type RunDetail, type RunSummary } from '../api/training-schemas.js';
import { describeChanges } from '../api/training-settings-diff.js';
import type { CliContext } from './cli-context.js';
import type { ParsedCommand } from './parse-command.js';
import { formatDuration } from './progress-printer.js';
import { runJob, throwIfNotDone } from './run-job.js';
import { trainingInputFromFlags } from './training-flags.js';

function formatEpoch(e: RunDetail['epochs'][number], total: number): string {
  const val = e.valAccuracy !== null ? `, val_loss ${e.valLoss?.toFixed(4)}, val_acc ${e.valAccuracy.toFixed(4)}` : '';
  return `${e.phase === 'head' ? 'epoch' : 'fine-tune epoch'} ${e.epoch}/${total}: loss ${e.loss.toFixed(4)}, acc ${e.accuracy.toFixed(4)}${val}`;
}

export async function trainCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const input = trainingInputFromFlags(cmd);
  const before = (await ctx.call('runs.list', {}))[0]?.id ?? 0;
  // started first: refused settings, a clash (CONFLICT) or a bad weights folder is the only line printed
  const { jobId } = await ctx.call('training.start', input);
  const backend = await ctx.call('training.backend', {}).catch(() => null);
  if (backend) {
    const skipped = [
      ...backend.unavailable.map((u) => `${u.backend} (${u.reason})`),
      ...(backend.embedding?.unavailable ?? []).map((u) => `${u.engine} (${u.reason})`),
    ].join('; ');
    const engines = backend.embedding ? `trains on ${backend.name}, embeds with ${backend.embedding.engine} (${backend.embedding.detail})` : backend.name;
    ctx.io.stderr(`backend: ${engines}${skipped ? ` — not used: ${skipped}` : ''}\n`);
  }
  // one line per finished epoch (head, then fine-tuning), read back from the run record the UI's curves use too
  let printed = 0;
  let settingsShown = false;
  let printing = Promise.resolve();
  const printNewEpochs = async () => {
    const running = (await ctx.call('runs.list', {}))[0];
    if (!running || running.id <= before) return;
    if (!settingsShown) {
      settingsShown = true;
      ctx.io.stderr(`${settingsLine(running)}\n`);
    }
    const detail = await ctx.call('runs.get', { id: running.id });
    const totals = { head: detail.config.epochs as number, 'fine-tune': detail.config.fineTuneEpochs as number };
    for (const e of detail.epochs.slice(printed)) ctx.io.stderr(`${formatEpoch(e, totals[e.phase])}\n`);
    printed = Math.max(printed, detail.epochs.length);
  };
  const state = await runJob(ctx, jobId, (progress) => {
    if (progress && /features|train|fine-tune|predict/.test(progress.stage)) printing = printing.then(printNewEpochs);
    return undefined;
  });
  await printing.then(printNewEpochs);
  throwIfNotDone(state, 'training', 'Training cancelled; the run is marked cancelled');
  const { runId } = state.result as { runId: number };
  const run = await ctx.call('runs.get', { id: runId });
  ctx.print(run, () => formatRun(run));
  return 0;
}

/** "settings from run 7; changed: epochs 20 → 40" (or: defaults; unchanged). */
export function settingsLine(run: RunSummary): string {
  const from = run.previousRunId === null ? 'settings: defaults' : `settings from run ${run.previousRunId}`;
  return `${from}; ${run.changes.length ? `changed: ${describeChanges(run.changes)}` : 'unchanged'}`;
}

/** "cross-validated accuracy 0.9725 (n = 327, 95% CI 0.949–0.985)"; older runs without an evaluation: as before. */
function accuracyLine(m: NonNullable<RunDetail['metrics']>): string {
  const e = m.evaluation;
  if (!e) return `validation accuracy ${m.accuracy.toFixed(4)}`;
  const what = { 'out-of-fold': 'cross-validated accuracy (out-of-fold)', 'validation-split': 'validation-split accuracy', folder: 'accuracy' }[e.on];
  return `${what} ${m.accuracy.toFixed(4)} (n = ${e.n}, 95% CI ${e.low.toFixed(3)}–${e.high.toFixed(3)}, Wilson)`;
}

function formatRun(run: RunDetail): string {
  const m = run.metrics;
  const lines = [
    `run ${run.id} ${run.status} on ${run.backend ?? '?'} in ${run.durationMs !== null ? formatDuration(run.durationMs / 1000) : '?'}: ${run.photos} photos, classes ${run.classes.join(', ')}`,
  ];
  lines.push(`  ${settingsLine(run)}`);
  if (run.error) lines.push(`  error: ${run.error}`);
  if (m) {
    lines.push(`  ${m.frozenHead ? 'fine-tuned: ' : ''}${accuracyLine(m)}${m.rocAuc !== null ? `, ROC AUC ${m.rocAuc.toFixed(4)}` : ''}`);
    if (m.kfold) lines.push(`  ${m.kfold.k}-fold accuracy ${m.kfold.mean.toFixed(4)} ± ${m.kfold.std.toFixed(4)} (${m.kfold.accuracies.map((a) => a.toFixed(3)).join(', ')})`);
    const f = m.frozenHead;
    if (f) {
      const folds = f.kfold ? `; ${f.kfold.k}-fold ${f.kfold.mean.toFixed(4)} ± ${f.kfold.std.toFixed(4)}` : '';
      lines.push(`  frozen head (same photos, no fine-tuning): ${accuracyLine({ ...m, accuracy: f.accuracy, evaluation: f.evaluation })}${folds}`);
    }
    for (const c of m.perClass) lines.push(`  ${c.name}: precision ${c.precision.toFixed(3)}, recall ${c.recall.toFixed(3)}, F1 ${c.f1.toFixed(3)} (n=${c.support})`);
    lines.push(`  confusion (rows = true, columns = predicted): ${m.confusion.map((r) => `[${r.join(' ')}]`).join(' ')}`);
  }
  return lines.join('\n');
}

export async function runsCommand(ctx: CliContext): Promise<number> {
  const runs = await ctx.call('runs.list', {});
  ctx.print(runs, () =>
    runs.length === 0
      ? 'No runs yet: `studio train`'
      : runs
          .map(
            (r) =>
              `${r.id}\t${r.createdAt}\t${r.status}\t${r.backend ?? '-'}\t${r.photos} photos\tacc ${r.accuracy?.toFixed(4) ?? '-'}\t${r.durationMs !== null ? formatDuration(r.durationMs / 1000) : '-'}\t${r.changes.length ? `changed: ${describeChanges(r.changes)}` : r.previousRunId === null ? 'defaults' : 'same settings'}`,
          )
          .join('\n'),
  );
  return 0;
}

export async function runCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const id = Number(cmd.positionals[0]);
  if (!Number.isInteger(id) || id <= 0) throw new StudioError('INVALID_INPUT', 'usage: studio run <id>');
  const run = await ctx.call('runs.get', { id });
  const settings = ['  settings:', ...run.settings.map((v) => `    ${v.label}: ${v.value}`)];
  ctx.print(run, () => [formatRun(run), ...settings, ...run.epochs.map((e) => `  ${formatEpoch(e, run.epochs.filter((x) => x.phase === e.phase).length)}`)].join('\n'));
  return 0;
}

export async function reviewCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const parsedQueue = ReviewQueueName.safeParse(cmd.option('queue') ?? 'label-errors');
  if (!parsedQueue.success) throw new StudioError('INVALID_INPUT', `--queue expects ${ReviewQueueName.options.join(', ')}; received "${cmd.option('queue')}"`);
  const queue = parsedQueue.data;
  const runId = cmd.intOption('run');
  const page = await ctx.call('review.queue', { queue, limit: cmd.intOption('limit') ?? 20, offset: 0, ...(runId ? { runId } : {}) });
  ctx.print(page, () =>
    [
      `${queue} (run ${page.runId}): ${page.total} photo(s)`,
      ...page.items.map((i) => {
        const probs = i.probabilities.map((c) => `${c.name} ${c.p.toFixed(3)}`).join(', ');
        return `${i.photo.id}\tlabel ${i.photo.className ?? '-'}\tscore ${i.score.toFixed(3)}\t${i.source}\t${probs}\t${i.photo.path}`;
      }),
    ].join('\n'),
  );
  return 0;
}
