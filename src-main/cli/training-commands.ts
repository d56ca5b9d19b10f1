// CLI commands for training and its results: train, runs, run, review.
import { StudioError } from '../api/errors.js';
import type { AugmentationConfig, RunDetail, TrainingConfigInput } from '../api/training-schemas.js';
import { BackendName } from '../api/training-schemas.js';
import type { CliContext } from './cli-context.js';
import type { ParsedCommand } from './parse-command.js';
import { formatDuration } from './progress-printer.js';
import { runJob } from './run-job.js';

const AUGMENTATIONS = ['flip', 'rotation', 'zoom', 'translate', 'brightness', 'contrast'] as const;
type AugmentationName = (typeof AUGMENTATIONS)[number];

/** `--augment flip,rotation:15,zoom` → switches with optional strengths; `--augment none` turns all off. */
export function parseAugmentList(list: string): Partial<AugmentationConfig> {
  const result: Partial<Record<AugmentationName, { enabled: boolean; strength: number }>> = {};
  if (list.trim() === 'none') {
    for (const name of AUGMENTATIONS) result[name] = { enabled: false, strength: 0 };
    return result as Partial<AugmentationConfig>;
  }
  for (const item of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, strength] = item.split(':');
    if (!AUGMENTATIONS.includes(name as AugmentationName)) {
      throw new StudioError('INVALID_INPUT', `--augment expects names from ${AUGMENTATIONS.join(', ')} (optionally name:strength); received "${name}"`);
    }
    const value = strength === undefined ? undefined : Number(strength);
    if (value !== undefined && !Number.isFinite(value)) throw new StudioError('INVALID_INPUT', `--augment ${name}: expected a number after ':', received "${strength}"`);
    result[name as AugmentationName] = { enabled: true, strength: value ?? DEFAULT_STRENGTH[name as AugmentationName] };
  }
  return result as Partial<AugmentationConfig>;
}

const DEFAULT_STRENGTH: Record<AugmentationName, number> = { flip: 1, rotation: 10, zoom: 0.1, translate: 0.1, brightness: 0.1, contrast: 0.1 };

export function trainingInputFromFlags(cmd: ParsedCommand): TrainingConfigInput {
  const backend = cmd.option('backend');
  if (backend !== undefined && !BackendName.safeParse(backend).success) {
    throw new StudioError('INVALID_INPUT', `--backend expects one of ${BackendName.options.join(', ')}; received "${backend}"`);
  }
  const augment = cmd.option('augment');
  const views = cmd.intOption('augment-views');
  const input: TrainingConfigInput = {
    epochs: cmd.intOption('epochs'),
    batchSize: cmd.intOption('batch-size'),
    learningRate: cmd.numberOption('lr'),
    valSplit: cmd.numberOption('val-split'),
    seed: cmd.intOption('seed'),
    fineTuneLayers: cmd.intOption('fine-tune-layers'),
    fineTuneEpochs: cmd.intOption('fine-tune-epochs'),
    kfold: cmd.intOption('kfold'),
    alpha: cmd.numberOption('alpha'),
    inputSize: cmd.intOption('input-size'),
    weightsDir: cmd.option('weights'),
    backend: backend as TrainingConfigInput['backend'],
    ...(augment !== undefined || views !== undefined
      ? { augmentation: { ...(augment !== undefined ? parseAugmentList(augment) : {}), ...(views !== undefined ? { views } : {}) } }
      : {}),
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as TrainingConfigInput;
}

function formatEpoch(e: RunDetail['epochs'][number], total: number): string {
  const val = e.valAccuracy !== null ? `, val_loss ${e.valLoss?.toFixed(4)}, val_acc ${e.valAccuracy.toFixed(4)}` : '';
  return `${e.phase === 'head' ? 'epoch' : 'fine-tune epoch'} ${e.epoch}/${total}: loss ${e.loss.toFixed(4)}, acc ${e.accuracy.toFixed(4)}${val}`;
}

export async function trainCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const input = trainingInputFromFlags(cmd);
  const backend = await ctx.call('training.backend', {}).catch(() => null);
  if (backend) {
    const skipped = backend.unavailable.map((u) => `${u.backend} (${u.reason})`).join('; ');
    ctx.io.stderr(`backend: ${backend.name}${skipped ? ` — not used: ${skipped}` : ''}\n`);
  }
  const { jobId } = await ctx.call('training.start', input);
  // one line per finished epoch (head, then fine-tuning), read back from the run record the UI's curves use too
  let printed = 0;
  let printing = Promise.resolve();
  const printNewEpochs = async () => {
    const running = (await ctx.call('runs.list', {}))[0];
    if (!running) return;
    const detail = await ctx.call('runs.get', { id: running.id });
    const totals = { head: detail.config.epochs as number, 'fine-tune': detail.config.fineTuneEpochs as number };
    for (const e of detail.epochs.slice(printed)) ctx.io.stderr(`${formatEpoch(e, totals[e.phase])}\n`);
    printed = Math.max(printed, detail.epochs.length);
  };
  const state = await runJob(ctx, jobId, (progress) => {
    if (progress && /train|fine-tune|predict/.test(progress.stage)) printing = printing.then(printNewEpochs);
    return undefined;
  });
  await printing.then(printNewEpochs);
  if (state.status !== 'done') {
    if (state.status === 'cancelled') throw new StudioError('CANCELLED', 'Training cancelled; the run is marked cancelled');
    throw new StudioError(state.error?.includes('ine-tun') ? 'UNAVAILABLE' : 'INTERNAL', state.error ?? 'training failed');
  }
  const { runId } = state.result as { runId: number };
  const run = await ctx.call('runs.get', { id: runId });
  ctx.print(run, () => formatRun(run));
  return 0;
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
  if (run.error) lines.push(`  error: ${run.error}`);
  if (m) {
    lines.push(`  ${accuracyLine(m)}${m.rocAuc !== null ? `, ROC AUC ${m.rocAuc.toFixed(4)}` : ''}`);
    if (m.kfold) lines.push(`  ${m.kfold.k}-fold accuracy ${m.kfold.mean.toFixed(4)} ± ${m.kfold.std.toFixed(4)} (${m.kfold.accuracies.map((a) => a.toFixed(3)).join(', ')})`);
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
          .map((r) => `${r.id}\t${r.createdAt}\t${r.status}\t${r.backend ?? '-'}\t${r.photos} photos\tacc ${r.accuracy?.toFixed(4) ?? '-'}\t${r.durationMs !== null ? formatDuration(r.durationMs / 1000) : '-'}`)
          .join('\n'),
  );
  return 0;
}

export async function runCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const id = Number(cmd.positionals[0]);
  if (!Number.isInteger(id) || id <= 0) throw new StudioError('INVALID_INPUT', 'usage: studio run <id>');
  const run = await ctx.call('runs.get', { id });
  ctx.print(run, () => [formatRun(run), ...run.epochs.map((e) => `  ${formatEpoch(e, run.epochs.filter((x) => x.phase === e.phase).length)}`)].join('\n'));
  return 0;
}

export async function reviewCommand(ctx: CliContext, cmd: ParsedCommand): Promise<number> {
  const queue = cmd.option('queue') ?? 'label-errors';
  if (queue !== 'misclassified' && queue !== 'label-errors' && queue !== 'uncertain') {
    throw new StudioError('INVALID_INPUT', `--queue expects misclassified, label-errors or uncertain; received "${queue}"`);
  }
  const runId = cmd.intOption('run');
  const page = await ctx.call('review.queue', { queue, limit: cmd.intOption('limit') ?? 20, offset: 0, ...(runId ? { runId } : {}) });
  ctx.print(page, () =>
    [
      `${queue} (run ${page.runId}): ${page.total} photo(s)`,
      ...page.items.map((i) => {
        const probs = Object.entries(i.probabilities).map(([name, p]) => `${name} ${p.toFixed(3)}`).join(', ');
        return `${i.photo.id}\tlabel ${i.photo.className ?? '-'}\tscore ${i.score.toFixed(3)}\t${i.source}\t${probs}\t${i.photo.path}`;
      }),
    ].join('\n'),
  );
  return 0;
}
