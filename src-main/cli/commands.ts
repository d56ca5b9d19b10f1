// The table of CLI commands: name → options, usage line and handler.
import type { CliContext } from './cli-context.js';
import { CLASSES_USAGE, classesCommand } from './class-commands.js';
import { CURATE_OPTIONS, CURATE_USAGE, curateCommand, curateHelp } from './curate-commands.js';
import { importCommand, labelCommand, photosCommand, statsCommand, undoCommand } from './library-commands.js';
import type { OptionSpec, ParsedCommand } from './parse-command.js';
import { evalCommand, exportCommand, predictCommand } from './predict-commands.js';
import { REMOVE_OPTIONS, REMOVE_USAGE, removeCommand } from './remove-command.js';
import { DAYS_USAGE, GROUP_OPTIONS, PLACES_USAGE, daysCommand, placesCommand } from './photo-group-commands.js';
import { DAY_OPTION_HELP, PLACE_OPTION_HELP } from './photo-filter-options.js';
import { SERVE_COMMAND } from './serve-command.js';
import { EXPLAIN_USAGE, explainCommand } from './explain-command.js';
import { reviewCommand, runCommand, runsCommand, trainCommand } from './training-commands.js';
import { TRAIN_OPTIONS, TRAIN_USAGE, trainHelp } from './training-flags.js';

export interface CliCommand {
  summary: string;
  usage: string;
  /** more lines for `studio <command> --help` */
  help?: () => string;
  options: OptionSpec;
  run(ctx: CliContext, cmd: ParsedCommand): Promise<number>;
}

export const COMMANDS: Record<string, CliCommand> = {
  import: {
    summary: 'import a folder of photos (recursively); class = first-level subfolder with --labels-from-folders',
    usage: 'import <dir> [--labels-from-folders]',
    options: { 'labels-from-folders': { type: 'boolean' } },
    run: importCommand,
  },
  classes: { summary: 'list classes with photo counts; create, rename, merge or delete one', usage: CLASSES_USAGE, options: {}, run: classesCommand },
  label: {
    summary: 'set the class of photos (ids or paths); creates the class if needed',
    usage: 'label <photo id or path>… (--class NAME | --none)',
    options: { class: { type: 'string' }, none: { type: 'boolean' } },
    run: labelCommand,
  },
  remove: {
    summary: 'remove photos from the library (never their files): by id or path, a folder, or the missing ones; --undo puts them back',
    usage: REMOVE_USAGE,
    options: REMOVE_OPTIONS,
    run: removeCommand,
  },
  undo: { summary: 'undo the last label change', usage: 'undo', options: {}, run: undoCommand },
  redo: { summary: 'redo the last undone label change', usage: 'redo', options: {}, run: undoCommand },
  photos: {
    summary: 'list photos',
    usage: `photos [--class NAME | --unlabeled] [--folder DIR] [--name TEXT] [--duplicates] [${DAY_OPTION_HELP}] [${PLACE_OPTION_HELP}] [--sort name|takenAt|id|outlierScore] [--desc] [--limit N] [--offset N]`,
    options: {
      class: { type: 'string' },
      unlabeled: { type: 'boolean' },
      folder: { type: 'string' },
      name: { type: 'string' },
      duplicates: { type: 'boolean' },
      day: { type: 'string' },
      place: { type: 'string' },
      sort: { type: 'string' },
      desc: { type: 'boolean' },
      limit: { type: 'string' },
      offset: { type: 'string' },
    },
    run: photosCommand,
  },
  days: { summary: 'capture days with photo counts, joined into trips of consecutive days; undated photos', usage: DAYS_USAGE, options: GROUP_OPTIONS, run: daysCommand },
  places: { summary: 'places (GPS clusters) with their centroid, photo counts and days; photos without GPS', usage: PLACES_USAGE, options: GROUP_OPTIONS, run: placesCommand },
  train: {
    summary: 'train a classifier on the labeled photos (settings default to the last run\'s); a line per epoch on stderr',
    usage: TRAIN_USAGE,
    help: trainHelp,
    options: TRAIN_OPTIONS,
    run: trainCommand,
  },
  runs: { summary: 'list training runs', usage: 'runs', options: {}, run: runsCommand },
  run: { summary: 'one run: settings, metrics, confusion matrix, per-epoch curves', usage: 'run <id>', options: {}, run: runCommand },
  review: {
    summary: 'photos to review from a run: misclassified, likely label errors, uncertain, outliers (unlike any class)',
    usage: 'review --queue misclassified|label-errors|uncertain|outliers [--run ID] [--limit N]',
    options: { queue: { type: 'string' }, run: { type: 'string' }, limit: { type: 'string' } },
    run: reviewCommand,
  },
  predict: {
    summary: 'predictions of a run: for library photos, or for the image files of a folder that is not imported',
    usage: 'predict [<dir>] [--run ID] [--limit N]',
    options: { run: { type: 'string' }, limit: { type: 'string' } },
    run: predictCommand,
  },
  eval: {
    summary: 'accuracy, per-class metrics and confusion matrix of a run on a folder with class subfolders outside the library',
    usage: 'eval <dir> [--run ID]',
    options: { run: { type: 'string' } },
    run: evalCommand,
  },
  explain: {
    summary: 'why a run gives a photo its class: the class activation map over the photo, written as a PNG',
    usage: EXPLAIN_USAGE,
    options: { run: { type: 'string' }, class: { type: 'string' }, out: { type: 'string' } },
    run: explainCommand,
  },
  export: {
    summary: 'export a run as one tfjs or ONNX model (image in, class probabilities out) with studio-model.json and a README',
    usage: 'export --run ID --out DIR [--format tfjs|onnx]',
    options: { run: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' } },
    run: exportCommand,
  },
  curate: {
    summary: 'sorted copies by label or prediction, a Keras-layout dataset with a manifest, a CSV/JSON photo table, XMP sidecars',
    usage: CURATE_USAGE,
    help: curateHelp,
    options: CURATE_OPTIONS,
    run: curateCommand,
  },
  serve: SERVE_COMMAND,
  stats: { summary: 'library counts: photos, classes, labels, near-duplicates', usage: 'stats', options: {}, run: statsCommand },
};
