// Finds backbone weights: `--weights DIR` → the library setting → the local cache → the official download (first use
// on a machine with internet, checksum-verified, cached). Offline with none of these → UNAVAILABLE saying what to do.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../api/errors.js';
import type { Library } from '../../library/library.js';
import { getSetting } from '../../library/settings.js';
import { readModelJson, type ModelJson } from './weights.js';

/** Library setting holding a folder of weights (tfjs layers format), as `--weights DIR` does for one command. */
export const WEIGHTS_DIR_SETTING = 'ml.weightsDir';

export interface OfficialWeights {
  /** Teachable Machine's copy of the Keras-applications no-top weights, as a tfjs layers model */
  modelJsonUrl: string;
  /** sha256 of the weight shards concatenated in manifest order, when known */
  sha256?: string;
}

const TM_BASE = 'https://storage.googleapis.com/teachable-machine-models';

/** Keyed by alpha with two decimals. Teachable Machine hosts these four widths; 1.3 and 1.4 need `--weights`. */
export const OFFICIAL_WEIGHTS: Readonly<Record<string, OfficialWeights>> = {
  '0.35': {
    modelJsonUrl: `${TM_BASE}/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top/model.json`,
    sha256: 'e159deb3afa15bc63a53edb3eb31d0d6de1a25f0d8d72d9b8372b5088a902a8a',
  },
  '0.50': { modelJsonUrl: `${TM_BASE}/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.50_224_no_top/model.json` },
  '0.75': { modelJsonUrl: `${TM_BASE}/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_224_no_top/model.json` },
  '1.00': { modelJsonUrl: `${TM_BASE}/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.00_224_no_top/model.json` },
};

export function alphaKey(alpha: number): string {
  return alpha.toFixed(2);
}

export type WeightsOrigin = 'flag' | 'setting' | 'cache' | 'download';

export interface ResolvedWeights {
  dir: string;
  origin: WeightsOrigin;
  /** checksum to verify when loading, if one is known for these weights */
  expectedSha256?: string;
}

export interface ResolveWeightsOptions {
  alpha: number;
  /** `--weights DIR` */
  weightsDir?: string;
  /** the WEIGHTS_DIR_SETTING value */
  settingDir?: string;
  /** parent folder of per-alpha cached downloads */
  cacheDir: string;
  /** false: never touch the network */
  allowDownload?: boolean;
  fetch?: typeof fetch;
  /** replaces OFFICIAL_WEIGHTS (tests serve the shared files locally) */
  official?: Readonly<Record<string, OfficialWeights>>;
  signal?: AbortSignal;
}

function hasModelJson(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'model.json'));
}

function cacheFolder(cacheDir: string, alpha: number): string {
  return path.join(cacheDir, `mobilenet_v2_${alphaKey(alpha)}_224_no_top`);
}

function howToSupply(): string {
  return `Supply a folder with model.json and its weight files (TensorFlow.js layers format) with \`--weights DIR\` or the setting '${WEIGHTS_DIR_SETTING}'.`;
}

function checkUserFolder(dir: string, origin: 'flag' | 'setting'): ResolvedWeights {
  const label = origin === 'flag' ? '--weights' : `setting '${WEIGHTS_DIR_SETTING}'`;
  if (!hasModelJson(dir)) {
    const why = fs.existsSync(dir) ? 'not a model folder (no model.json)' : 'no such folder';
    throw new StudioError('INVALID_INPUT', `Weights folder ${dir} (${label}): ${why}`);
  }
  return { dir, origin };
}

export async function resolveWeights(options: ResolveWeightsOptions): Promise<ResolvedWeights> {
  const key = alphaKey(options.alpha);
  const official = (options.official ?? OFFICIAL_WEIGHTS)[key];
  const sha = official?.sha256 ? { expectedSha256: official.sha256 } : {};
  if (options.weightsDir) return checkUserFolder(options.weightsDir, 'flag');
  if (options.settingDir) return checkUserFolder(options.settingDir, 'setting');
  const cached = cacheFolder(options.cacheDir, options.alpha);
  if (hasModelJson(cached)) return { dir: cached, origin: 'cache', ...sha };
  if (!official) {
    throw new StudioError(
      'UNAVAILABLE',
      `MobileNetV2 alpha ${key} weights: none in ${cached}, and no official download is known for this width. ${howToSupply()}`,
    );
  }
  if (options.allowDownload === false) {
    throw new StudioError('UNAVAILABLE', `MobileNetV2 alpha ${key} weights: none in ${cached}, and downloading is off. ${howToSupply()}`);
  }
  try {
    await downloadWeights(official, cached, { fetch: options.fetch ?? fetch, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (error instanceof StudioError && error.code !== 'UNAVAILABLE') throw error;
    const why = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new StudioError(
      'UNAVAILABLE',
      `MobileNetV2 alpha ${key} weights: none in ${cached}, and downloading ${official.modelJsonUrl} failed (${why}). ${howToSupply()}`,
    );
  }
  return { dir: cached, origin: 'download', ...sha };
}

/** Reads the setting and uses `<library>/models/backbones` as the cache. */
export function resolveLibraryWeights(
  library: Pick<Library, 'db' | 'paths'>,
  options: Omit<ResolveWeightsOptions, 'settingDir' | 'cacheDir'>,
): Promise<ResolvedWeights> {
  const settingDir = getSetting<string>(library.db, WEIGHTS_DIR_SETTING);
  return resolveWeights({
    ...options,
    ...(settingDir ? { settingDir } : {}),
    cacheDir: path.join(library.paths.models, 'backbones'),
  });
}

async function fetchBytes(fetchImpl: typeof fetch, url: string, signal?: AbortSignal): Promise<Buffer> {
  const response = await fetchImpl(url, signal ? { signal } : {});
  if (!response.ok) throw new StudioError('UNAVAILABLE', `GET ${url}: expected 200, received ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Downloads model.json and its shards into a temporary folder next to `target`, checks the checksum when known,
 * then renames the folder into place: the cache never holds a partial download.
 */
export async function downloadWeights(
  official: OfficialWeights,
  target: string,
  options: { fetch: typeof fetch; signal?: AbortSignal },
): Promise<void> {
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const temp = path.join(parent, `.download-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(temp);
  try {
    const modelJsonBytes = await fetchBytes(options.fetch, official.modelJsonUrl, options.signal);
    fs.writeFileSync(path.join(temp, 'model.json'), modelJsonBytes);
    const modelJson: ModelJson = await readModelJson(temp);
    const hash = createHash('sha256');
    for (const shard of modelJson.weightsManifest.flatMap((group) => group.paths)) {
      // Shard names come from the downloaded file: refuse anything that would escape the folder.
      if (path.basename(shard) !== shard) {
        throw new StudioError('INVALID_INPUT', `Downloaded manifest: expected plain shard file names, received ${JSON.stringify(shard)}`);
      }
      const bytes = await fetchBytes(options.fetch, new URL(shard, official.modelJsonUrl).href, options.signal);
      hash.update(bytes);
      fs.writeFileSync(path.join(temp, shard), bytes);
    }
    const sha256 = hash.digest('hex');
    if (official.sha256 && official.sha256 !== sha256) {
      throw new StudioError('INVALID_INPUT', `Downloaded weights from ${official.modelJsonUrl}: expected sha256 ${official.sha256}, received ${sha256}`);
    }
    fs.renameSync(temp, target);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}
