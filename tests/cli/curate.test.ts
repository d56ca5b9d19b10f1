// `studio curate copy|dataset|table` on an imported alpaca subset trained with the real 0.35 backbone: dry runs write
// nothing, real runs produce the asserted trees (counts per class, unique names, links that resolve), the dataset's
// manifest matches its files and the run's split, XMP sidecars merge into existing ones (read back with exiftool),
// and the originals keep their bytes and mtimes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CurateReport } from '../../src-main/api/curate-schemas.js';
import { openStudio } from '../../src-main/core/studio.js';
import { SHARED_DIR } from '../helpers/shared-dir.js';
import { runCli as studio } from '../helpers/run-cli.js';
import { alpacaNames, copyAlpacaSubset } from '../helpers/alpaca-subset.js';
import { fingerprintFiles, filesUnder } from '../helpers/file-fingerprints.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ALPACA = path.join(SHARED_DIR, 'datasets', 'alpaca');
const WEIGHTS = path.join(SHARED_DIR, 'models', 'mobilenet_v2_0.35_imagenet_notop');
const PER_CLASS = 10;
const CLASSES = ['alpaca', 'not_alpaca'];
/** a safety net only: a training on a shared 2-core machine can take minutes */
const SLOW = { timeout: 900_000 };

const tmp = makeTempDir('studio-curate-cli-');
const library = path.join(tmp, 'library');
const subset = path.join(tmp, 'subset');
const lib = (...argv: string[]) => studio(...argv, '--library', library);
const names = Object.fromEntries(CLASSES.map((c) => [c, alpacaNames(c)]));
/** an alpaca photo stored under the name of another one in a subfolder: both go to OUT/alpaca/ */
const clashName = names.alpaca![0]!;
/** a photo in the subset's root: imported without a label */
const looseName = 'loose.jpg';

/** every original (sidecars written beside them are not originals) */
const fingerprint = () => fingerprintFiles(subset, (f) => !f.endsWith('.xmp'));

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** files per first-level folder of a tree */
function countsOf(dir: string): Record<string, number> {
  return Object.fromEntries(fs.readdirSync(dir).filter((d) => fs.statSync(path.join(dir, d)).isDirectory()).map((d) => [d, fs.readdirSync(path.join(dir, d)).length]));
}

let before: Map<string, string>;
/** photo path → prediction of the run, as `studio predict --json` prints it */
let predictions: Map<string, { predicted: string; confidence: number; split: string; label: string | null }>;

beforeAll(async () => {
  copyAlpacaSubset(subset, PER_CLASS);
  fs.mkdirSync(path.join(subset, 'alpaca', 'more'));
  fs.copyFileSync(path.join(ALPACA, 'alpaca', names.alpaca![PER_CLASS]!), path.join(subset, 'alpaca', 'more', clashName));
  fs.copyFileSync(path.join(ALPACA, 'not_alpaca', names.not_alpaca![PER_CLASS]!), path.join(subset, looseName));
  // mtimes in the past, so a write that touched a file would show
  for (const f of filesUnder(subset)) fs.utimesSync(f, new Date('2024-05-01T10:00:00Z'), new Date('2024-05-01T10:00:00Z'));
  before = fingerprint();
  expect((await lib('import', subset, '--labels-from-folders')).code).toBe(0);
  const train = await lib('train', '--weights', WEIGHTS, '--alpha', '0.35', '--input-size', '96', '--epochs', '3', '--kfold', '0', '--val-split', '0.3');
  expect(train.code, train.stderr).toBe(0);
  const predicted = JSON.parse((await lib('predict', '--json')).stdout) as { items: Array<{ path: string; predicted: string; confidence: number; split: string; label: string | null }> };
  predictions = new Map(predicted.items.map((i) => [i.path, i]));
}, 900_000);

describe('studio curate copy', () => {
  it('lists the planned copies by label in a dry run and writes nothing', SLOW, async () => {
    const out = path.join(tmp, 'by-label');
    const dry = await lib('curate', 'copy', '--out', out, '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const report = dry.json<CurateReport>();
    expect(report.counts).toEqual({ alpaca: PER_CLASS + 1, not_alpaca: PER_CLASS });
    expect(report.skipped).toEqual([expect.objectContaining({ reason: 'no label' })]);
    expect(new Set(report.planned.map((p) => p.target)).size).toBe(2 * PER_CLASS + 1);
    expect(fs.existsSync(out)).toBe(false);
    const human = await lib('curate', 'copy', '--out', out, '--dry-run');
    expect(human.stdout).toContain(`would write ${2 * PER_CLASS + 1} file(s)`);
    expect(human.stdout).toMatch(new RegExp(`→ .*alpaca/${clashName.replace('.jpg', '-2\\.jpg')}$`, 'm'));
  });

  it('copies by label into one folder per class with unique names, and a second run never replaces a file', SLOW, async () => {
    const out = path.join(tmp, 'by-label');
    const first = await lib('curate', 'copy', '--out', out, '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(first.json<CurateReport>().written).toBe(2 * PER_CLASS + 1);
    expect(countsOf(out)).toEqual({ alpaca: PER_CLASS + 1, not_alpaca: PER_CLASS });
    // the two photos named alike both arrived, with their own bytes
    const clashA = path.join(out, 'alpaca', clashName);
    const clashB = path.join(out, 'alpaca', clashName.replace('.jpg', '-2.jpg'));
    expect(new Set([sha256(clashA), sha256(clashB)])).toEqual(new Set([sha256(path.join(subset, 'alpaca', clashName)), sha256(path.join(subset, 'alpaca', 'more', clashName))]));
    for (const p of first.json<CurateReport>().planned) expect(sha256(p.target)).toBe(sha256(p.source));
    const copied = new Map(filesUnder(out).map((f) => [f, sha256(f)]));

    const second = await lib('curate', 'copy', '--out', out, '--json');
    expect(second.json<CurateReport>().written).toBe(2 * PER_CLASS + 1);
    expect(countsOf(out)).toEqual({ alpaca: 2 * (PER_CLASS + 1), not_alpaca: 2 * PER_CLASS });
    for (const [f, hash] of copied) expect(sha256(f)).toBe(hash);
  });

  it('links by prediction: sure ones by predicted class, the rest in _unsure, every link resolving to its original', SLOW, async () => {
    const out = path.join(tmp, 'by-prediction');
    const threshold = 0.75;
    const run = await lib('curate', 'copy', '--out', out, '--by', 'prediction', '--min-confidence', String(threshold), '--mode', 'symlink', '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = run.json<CurateReport>();
    expect(report.runId).toBe(1);
    expect(report.planned).toHaveLength(predictions.size);
    for (const p of report.planned) {
      const prediction = predictions.get(p.source)!;
      expect(p.group).toBe(prediction.confidence >= threshold ? prediction.predicted : '_unsure');
      expect(fs.lstatSync(p.target).isSymbolicLink()).toBe(true);
      expect(fs.realpathSync(p.target)).toBe(p.source);
    }
    const expected: Record<string, number> = {};
    for (const p of predictions.values()) {
      const group = p.confidence >= threshold ? p.predicted : '_unsure';
      expected[group] = (expected[group] ?? 0) + 1;
    }
    expect(countsOf(out)).toEqual(expected);
  });

  it('hard-links the unlabeled photos only when asked for them', SLOW, async () => {
    const out = path.join(tmp, 'unlabeled');
    const run = await lib('curate', 'copy', '--out', out, '--by', 'prediction', '--min-confidence', '0', '--unlabeled', '--mode', 'hardlink', '--json');
    expect(run.code, run.stderr).toBe(0);
    const [only] = run.json<CurateReport>().planned;
    expect(run.json<CurateReport>().planned).toHaveLength(1);
    expect(only!.source).toBe(path.join(subset, looseName));
    expect(fs.statSync(only!.target).ino).toBe(fs.statSync(only!.source).ino);
  });

  it('refuses an output folder inside the originals with exit code 2 and writes nothing', SLOW, async () => {
    const inside = path.join(subset, 'alpaca', 'sorted');
    const run = await lib('curate', 'copy', '--out', inside);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^studio curate: .*sorted: overlaps .*holds library photos/m);
    expect(fs.existsSync(inside)).toBe(false);
  });
});

describe('studio curate dataset', () => {
  type Row = { path: string; label: string; split: string; sha256: string };
  function readManifest(out: string): Row[] {
    const [header, ...lines] = fs.readFileSync(path.join(out, 'manifest.csv'), 'utf8').trimEnd().split('\r\n');
    expect(header).toBe('path,label,split,sha256');
    return lines.map((line) => {
      const [p, label, split, hash] = line.split(',');
      return { path: p!, label: label!, split: split!, sha256: hash! };
    });
  }

  it('plans the run\'s split in a dry run, then exports the Keras layout whose manifest names every file', SLOW, async () => {
    const out = path.join(tmp, 'dataset');
    const dry = await lib('curate', 'dataset', '--out', out, '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(fs.existsSync(out)).toBe(false);
    const labeled = [...predictions.values()].filter((p) => p.label !== null);
    const expected: Record<string, number> = {};
    for (const p of labeled) {
      const key = `${p.split === 'val' ? 'validation' : 'train'}/${p.label}`;
      expected[key] = (expected[key] ?? 0) + 1;
    }
    expect(dry.json<CurateReport>().counts).toEqual(expected);
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(['validation/alpaca', 'validation/not_alpaca', 'train/alpaca', 'train/not_alpaca']));

    const real = await lib('curate', 'dataset', '--out', out, '--json');
    expect(real.code, real.stderr).toBe(0);
    expect(countsOf(path.join(out, 'train'))).toEqual({ alpaca: expected['train/alpaca'], not_alpaca: expected['train/not_alpaca'] });
    expect(countsOf(path.join(out, 'validation'))).toEqual({ alpaca: expected['validation/alpaca'], not_alpaca: expected['validation/not_alpaca'] });
    const rows = readManifest(out);
    expect(rows).toHaveLength(labeled.length);
    const bySource = new Map(real.json<CurateReport>().planned.map((p) => [path.relative(out, p.target), p.source]));
    for (const row of rows) {
      const file = path.join(out, row.path);
      expect(row.path.startsWith(`${row.split}/${row.label}/`)).toBe(true);
      expect(sha256(file)).toBe(row.sha256);
      const prediction = predictions.get(bySource.get(row.path)!)!;
      expect(row.split).toBe(prediction.split === 'val' ? 'validation' : 'train');
      expect(row.label).toBe(prediction.label);
    }
    expect(filesUnder(out)).toHaveLength(rows.length + 1);
  });

  it('makes the same new seeded split twice, stratified, and refuses a folder that is not empty with exit code 4', SLOW, async () => {
    const a = path.join(tmp, 'split-a');
    const b = path.join(tmp, 'split-b');
    for (const out of [a, b]) expect((await lib('curate', 'dataset', '--out', out, '--new-split', '--seed', '7', '--validation-fraction', '0.25')).code).toBe(0);
    const rowsA = readManifest(a);
    expect(readManifest(b)).toEqual(rowsA);
    for (const label of CLASSES) {
      const ofClass = rowsA.filter((r) => r.label === label);
      expect(ofClass.filter((r) => r.split === 'validation').length).toBe(Math.round(ofClass.length * 0.25));
    }
    const again = await lib('curate', 'dataset', '--out', a);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/^studio curate: .*split-a: is not an empty folder/m);
  });
});

describe('studio curate dataset after a k-fold run', () => {
  it('makes a new seeded stratified split, as --new-split does, since every photo was validation once', SLOW, async () => {
    const train = await lib('train', '--kfold', '3', '--epochs', '2');
    expect(train.code, train.stderr).toBe(0);
    const out = path.join(tmp, 'kfold-dataset');
    const fromRun = (await lib('curate', 'dataset', '--out', out, '--dry-run', '--json')).json<CurateReport>();
    const fresh = (await lib('curate', 'dataset', '--out', out, '--dry-run', '--new-split', '--json')).json<CurateReport>();
    expect(fromRun.runId).toBeNull();
    expect(fromRun.planned).toEqual(fresh.planned);
    expect(fromRun.counts).toEqual({
      'train/alpaca': PER_CLASS + 1 - Math.round((PER_CLASS + 1) * 0.2),
      'validation/alpaca': Math.round((PER_CLASS + 1) * 0.2),
      'train/not_alpaca': PER_CLASS - Math.round(PER_CLASS * 0.2),
      'validation/not_alpaca': Math.round(PER_CLASS * 0.2),
    });
  });
});

describe('studio curate table', () => {
  it('writes every photo with label, prediction and probabilities as CSV and as JSON', SLOW, async () => {
    const csvFile = path.join(tmp, 'tables', 'photos.csv');
    const dry = await lib('curate', 'table', '--out', csvFile, '--run', '1', '--dry-run', '--json');
    expect(dry.json<CurateReport>().counts).toEqual({ rows: 2 * PER_CLASS + 2 });
    expect(fs.existsSync(csvFile)).toBe(false);
    // run 1: the run `predictions` was read from (a k-fold run came after it)
    expect((await lib('curate', 'table', '--out', csvFile, '--run', '1')).code).toBe(0);
    const [header, ...lines] = fs.readFileSync(csvFile, 'utf8').trimEnd().split('\r\n');
    expect(header).toBe('id,path,sha256,label,predicted,confidence,split,p_alpaca,p_not_alpaca');
    expect(lines).toHaveLength(2 * PER_CLASS + 2);
    for (const line of lines) {
      const f = line.split(',');
      expect(predictions.get(f[1]!)?.predicted).toBe(f[4]);
      expect(Number(f[7]) + Number(f[8])).toBeCloseTo(1, 5);
      expect(Math.max(Number(f[7]), Number(f[8]))).toBeCloseTo(Number(f[5]), 5);
    }

    const jsonFile = path.join(tmp, 'tables', 'photos.json');
    expect((await lib('curate', 'table', '--out', jsonFile, '--format', 'json', '--class', 'alpaca')).code).toBe(0);
    const table = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as { runId: number; classes: string[]; photos: Array<{ label: string; probabilities: Array<{ classId: number; name: string; p: number }> }> };
    expect(table.classes).toEqual(CLASSES);
    expect(table.photos).toHaveLength(PER_CLASS + 1);
    expect(table.photos.every((p) => p.label === 'alpaca' && p.probabilities.map((c) => c.name).join() === table.classes.join())).toBe(true);
    expect((await lib('curate', 'table', '--out', jsonFile)).code).toBe(4);
  });
});

describe('studio curate xmp', () => {
  it('merges the class into an existing sidecar keeping its other fields, and follows a label change', SLOW, async () => {
    const photo = path.join(subset, 'alpaca', names.alpaca![1]!);
    const sidecar = `${photo}.xmp`;
    const exiftool = new ExifTool({ maxProcs: 1 });
    try {
      await exiftool.write(sidecar, { Title: 'Ridge walk', Rating: 4, Subject: ['hike'], HierarchicalSubject: ['Places|Andes'] }, { writeArgs: ['-overwrite_original'] });
      const dry = await lib('curate', 'xmp', '--naming', 'name.ext.xmp', '--class', 'alpaca', '--dry-run', '--json');
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.json<CurateReport>().counts).toEqual({ alpaca: PER_CLASS + 1 });
      expect(filesUnder(subset).filter((f) => f.endsWith('.xmp'))).toEqual([sidecar]);

      const real = await lib('curate', 'xmp', '--naming', 'name.ext.xmp', '--class', 'alpaca', '--json');
      expect(real.code, real.stderr).toBe(0);
      expect(real.json<CurateReport>().written).toBe(PER_CLASS + 1);
      for (const p of real.json<CurateReport>().planned) expect(fs.existsSync(`${p.source}.xmp`)).toBe(true);
      const merged = await exiftool.read(sidecar);
      expect(merged.Title).toBe('Ridge walk');
      expect(merged.Rating).toBe(4);
      expect(merged.Subject).toEqual(['hike', 'alpaca']);
      expect(merged.HierarchicalSubject).toEqual(['Places|Andes', 'Hike Photo Studio|alpaca']);

      expect((await lib('label', photo, '--class', 'not_alpaca')).code).toBe(0);
      expect((await lib('curate', 'xmp', '--naming', 'name.ext.xmp', '--folder', path.dirname(photo))).code).toBe(0);
      const relabeled = await exiftool.read(sidecar);
      expect(relabeled.Subject).toEqual(['hike', 'not_alpaca']);
      expect(relabeled.HierarchicalSubject).toEqual(['Places|Andes', 'Hike Photo Studio|not_alpaca']);
      expect(relabeled.Title).toBe('Ridge walk');
    } finally {
      await exiftool.end();
    }
  });

  it('names sidecars name.xmp as Lightroom does when asked for that naming', SLOW, async () => {
    const run = await lib('curate', 'xmp', '--class', 'not_alpaca', '--folder', path.join(subset, 'not_alpaca'), '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<CurateReport>().written).toBe(PER_CLASS);
    for (const name of names.not_alpaca!.slice(0, PER_CLASS)) expect(fs.existsSync(path.join(subset, 'not_alpaca', name.replace(/\.jpg$/, '.xmp')))).toBe(true);
  });
});

describe('curate jobs', () => {
  it('stop at the next file when cancelled, keeping what was written and saying so', SLOW, async () => {
    const studioApi = openStudio(library);
    try {
      const out = path.join(tmp, 'cancelled');
      const { jobId } = await studioApi.api['curate.copy']({ outDir: out, selection: {}, by: 'label', minConfidence: 0.8, mode: 'copy', dryRun: false });
      const unsubscribe = studioApi.jobs.subscribe({ onProgress: (p) => p.jobId === jobId && studioApi.jobs.cancel(jobId) });
      const state = await studioApi.jobs.wait(jobId);
      unsubscribe();
      const report = state!.result as CurateReport;
      expect(report.cancelled).toBe(true);
      expect(report.written).toBeGreaterThanOrEqual(1);
      expect(report.written).toBeLessThan(report.planned.length);
      expect(filesUnder(out)).toHaveLength(report.written);
    } finally {
      await studioApi.close();
    }
  });

  it('left every original with its bytes and modification time', SLOW, () => {
    expect(fingerprint()).toEqual(before);
  });
});
