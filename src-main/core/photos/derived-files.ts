// Where the per-content caches live (thumbnail, model input) and how they are written without half-written files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { LibraryPaths } from '../library/library.js';

/** Long side of a thumbnail; smaller originals are not enlarged. */
export const THUMB_SIZE_PX = 256;
export const THUMB_WEBP_QUALITY = 80;
/**
 * Model-input cache: upright sRGB RGB, short side MODEL_INPUT_SHORT_SIDE_PX, aspect ratio kept, JPEG 4:4:4.
 * 329 = round(288 / 0.875): the default 288 px centre crop is cut from it without resampling, and every smaller
 * crop and every stretched square up to 320 px is resized from it (docs/benchmarks.md, "Model-input cache").
 */
export const MODEL_INPUT_SHORT_SIDE_PX = 329;
/** Measured on alpaca: 4:4:4 at this quality is ~2.5× smaller than the 224 px PNG it replaced; CV accuracy unchanged. */
export const MODEL_INPUT_JPEG = { quality: 90, chromaSubsampling: '4:4:4' } as const;

/** Caches are keyed by content hash and fanned out by its first two hex digits (256 folders). */
export function thumbnailPath(paths: Pick<LibraryPaths, 'thumbnails'>, hash: string): string {
  return path.join(paths.thumbnails, hash.slice(0, 2), `${hash}.webp`);
}

/** The file name carries the preprocessing version of its pixels (v4), so an older library's files are not read. */
const MODEL_INPUT_SUFFIX = '.v4.jpg';
/** What older libraries hold, by preprocessing version: v2 a 224 px stretched PNG, v3 the working image decoded by sharp's own scale with every profile converted. Nothing reads them any more. */
const LEGACY_MODEL_INPUT_SUFFIXES = ['.png', '.jpg'] as const;

export function modelInputPath(paths: Pick<LibraryPaths, 'modelInputs'>, hash: string): string {
  return path.join(paths.modelInputs, hash.slice(0, 2), `${hash}${MODEL_INPUT_SUFFIX}`);
}

/** An older library's model-input files of this content (v2 PNG, v3 JPEG), whether or not they exist. */
export function legacyModelInputPaths(paths: Pick<LibraryPaths, 'modelInputs'>, hash: string): string[] {
  return LEGACY_MODEL_INPUT_SUFFIXES.map((suffix) => path.join(paths.modelInputs, hash.slice(0, 2), `${hash}${suffix}`));
}

/**
 * A legacy model input counts as present, so re-importing an older library does not decode every photo again: the
 * current file is written the first time the photo is embedded (writeModelInput), which also removes the old one.
 */
export function derivedFilesExist(paths: Pick<LibraryPaths, 'thumbnails' | 'modelInputs'>, hash: string): boolean {
  return (
    fs.existsSync(thumbnailPath(paths, hash)) &&
    (fs.existsSync(modelInputPath(paths, hash)) || legacyModelInputPaths(paths, hash).some((legacy) => fs.existsSync(legacy)))
  );
}

/** Writes a model input made outside import (an older library's photo being embedded) and drops its legacy files. */
export async function writeModelInput(file: string, data: Buffer): Promise<void> {
  await writeFileAtomic(file, data);
  const stem = file.slice(0, -MODEL_INPUT_SUFFIX.length);
  await Promise.all(LEGACY_MODEL_INPUT_SUFFIXES.map((suffix) => fs.promises.rm(`${stem}${suffix}`, { force: true })));
}

/**
 * Writes to a unique temporary name in the same folder, then renames: a reader (or a crash) sees either no
 * file or the whole file. Two imports writing the same content hash race harmlessly (same bytes).
 */
export async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    // the folder is made only when missing: after the first photos of an import all 256 exist, and a mkdir per
    // file was a syscall for nothing
    await fs.promises.writeFile(temp, data).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      await makeFolder(path.dirname(file));
      await fs.promises.writeFile(temp, data);
    });
    await fs.promises.rename(temp, file);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}

/** Node's recursive mkdir reports ENOENT when it may not create a folder (read-only, no permission): ask again
 * without recursion to get the real reason, so a read-only library is not taken for a vanished file. */
async function makeFolder(dir: string): Promise<void> {
  try {
    await fs.promises.mkdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await fs.promises.mkdir(dir).catch((again: NodeJS.ErrnoException) => {
      if (again.code === 'EEXIST') return;
      throw again.code === 'ENOENT' ? error : again;
    });
  }
}
