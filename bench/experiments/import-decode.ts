// Why import costs more CPU than the plain thumbnail loop (docs/benchmarks.md, "Import"): the JPEG load scale
// sharp picks for each, the ICC conversion, the pixel work alone (no hash, EXIF or rows), and thumbnail WebP
// efforts. CPU of all threads (process.cpuUsage), 2 files in flight, variants alternated over 3 rounds.
// Run: `node bin/run-ts.js bench/experiments/import-decode.ts`.
import fs from 'node:fs';
import zlib from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { THUMB_SIZE_PX, THUMB_WEBP_QUALITY, MODEL_INPUT_JPEG } from '../../src-main/core/photos/derived-files.js';
import { configureSharpForImport } from '../../src-main/core/photos/sharp-settings.js';

const SHARED = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared');
const dirs = ['alpaca', 'not_alpaca'].map((d) => path.join(SHARED, 'datasets/alpaca', d));
const files = dirs.flatMap((dir) => fs.readdirSync(dir).sort().map((f) => path.join(dir, f)));
const bytes = new Map(files.map((f) => [f, fs.readFileSync(f)]));
configureSharpForImport();
const OPEN: SharpOptions = { sequentialRead: true, pages: 1, failOn: 'error', limitInputPixels: 200_000_000 };
const ROUNDS = 3;

type Work = (file: string) => Promise<unknown>;

async function cpuPerPhoto(list: readonly string[], work: Work): Promise<number> {
  const cpu = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < list.length) await work(list[next++]!);
  };
  await Promise.all([worker(), worker()]);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / list.length;
}

/** Median CPU ms per photo of each variant, the variants alternated round by round. */
async function table(title: string, list: readonly string[], variants: [string, Work][]): Promise<void> {
  const runs = new Map(variants.map(([name]) => [name, [] as number[]]));
  for (let round = 0; round < ROUNDS; round++) for (const [name, work] of variants) runs.get(name)!.push(await cpuPerPhoto(list, work));
  console.log(`\n${title} (${list.length} photos; CPU ms per photo, median of ${ROUNDS} rounds)`);
  for (const [name, values] of runs) console.log(`| ${name} | ${[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!.toFixed(2)} |`);
}

const toRaw = (pipeline: Sharp) => pipeline.raw().toBuffer();
/** the import's working image: short side 329, bilinear (derive-images.ts) */
const working = (pipeline: Sharp) => toRaw(pipeline.rotate().toColourspace('srgb').removeAlpha().resize(329, 329, { fit: 'outside', kernel: 'linear' }));
const thumbnail = (pipeline: Sharp, effort = 2) =>
  pipeline.resize(THUMB_SIZE_PX, THUMB_SIZE_PX, { fit: 'inside', withoutEnlargement: true }).webp({ quality: THUMB_WEBP_QUALITY, effort }).toBuffer();
const baseline: Work = (file) => thumbnail(sharp(file).rotate());
/** libvips' load option: decode this JPEG at 1/shrink scale whatever sharp would pick */
const atScale = (file: string, shrink: number, options: SharpOptions = OPEN) => sharp(`${file}[shrink=${shrink}]`, options);

console.log(`Machine: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}`);

// 1. The JPEG load scale. sharp decodes at 1/2^k with k from the shrink, but lowers it one step when the shrink's
// integer part equals it (pipeline.cc, "known libjpeg rounding errors"): 1024×768 → short side 329 is a shrink of
// 2.33 → 2 → lowered to 1 (full size); → 256×192 (the thumbnail loop) is 4.0 → 4 → lowered to 2 (half size).
const decodesAtFullSize = async (file: string, resize: (p: Sharp) => Sharp) => {
  // the pixels of a full-size decode resized the same way equal the pipeline's output only when it decoded at full size
  const direct = await toRaw(resize(sharp(file, OPEN)));
  const full = await sharp(file, OPEN).raw().toBuffer({ resolveWithObject: true });
  const viaFull = await toRaw(resize(sharp(full.data, { raw: { width: full.info.width, height: full.info.height, channels: full.info.channels as 3 } })));
  return direct.equals(viaFull);
};
let sameAsFull = 0;
const sample = files.slice(0, 40);
for (const file of sample) if (await decodesAtFullSize(file, (p) => p.resize(329, 329, { fit: 'outside', kernel: 'linear' }))) sameAsFull++;
console.log(`\nworking image (short side 329) equals a full-size decode resized the same way: ${sameAsFull} of ${sample.length} photos`);

await table('JPEG decode alone, to raw, by load scale', files, [
  ['baseline loop as a whole (decode at 1/2, ICC, lanczos3 to 256, WebP effort 2)', baseline],
  ['decode at full size', (f) => toRaw(sharp(f, OPEN))],
  ['decode at 1/2', (f) => toRaw(atScale(f, 2))],
  ['decode at 1/4', (f) => toRaw(atScale(f, 4))],
  ['decode at full size, ICC ignored', (f) => toRaw(sharp(f, { ...OPEN, ignoreIcc: true }))],
  ['decode at 1/2, ICC ignored', (f) => toRaw(atScale(f, 2, { ...OPEN, ignoreIcc: true }))],
  ['decode at 1/4, ICC ignored', (f) => toRaw(atScale(f, 4, { ...OPEN, ignoreIcc: true }))],
]);

// 2. The ICC conversion, by embedded profile.
const groups = new Map<string, string[]>();
for (const file of files) {
  const { icc } = await sharp(file).metadata();
  const description = icc ? (/sRGB IEC61966-2.1/.test(icc.toString('latin1')) ? 'sRGB IEC61966-2.1 profile' : 'other profile') : 'no profile';
  groups.set(description, [...(groups.get(description) ?? []), file]);
}
for (const [group, list] of groups) {
  await table(`working image, ${group}`, list, [
    ['as import decodes it (full size, ICC to sRGB)', (f) => working(sharp(bytes.get(f)!, OPEN))],
    ['ICC ignored (changes pixels for most profiles)', (f) => working(sharp(bytes.get(f)!, { ...OPEN, ignoreIcc: true }))],
  ]);
}
// Is the sRGB IEC61966-2.1 → libvips sRGB conversion the identity? Every 8-bit colour once, in a PNG carrying the profile.
const srgbProfile = (await sharp(groups.get('sRGB IEC61966-2.1 profile')![0]!).metadata()).icc!;
const cube = Buffer.alloc(4096 * 4096 * 3);
for (let i = 0; i < 1 << 24; i++) cube.set([i >> 16, (i >> 8) & 255, i & 255], 3 * i);
const png = await sharp(cube, { raw: { width: 4096, height: 4096, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([head, body, crc]);
};
const tagged = Buffer.concat([png.subarray(0, 33), chunk('iCCP', Buffer.concat([Buffer.from('icc\0\0', 'latin1'), zlib.deflateSync(srgbProfile)])), png.subarray(33)]);
const converted = await sharp(tagged, { limitInputPixels: false }).raw().toBuffer();
let changed = 0;
for (let i = 0; i < converted.length; i++) if (converted[i] !== cube[i]) changed++;
console.log(`\nsRGB IEC61966-2.1 → sRGB over all 2^24 colours: ${changed} of ${converted.length} samples change (so skipping it is not byte-identical)`);

// 3. The pixel work alone: what import must do for the same thumbnail and a byte-identical model input.
const pixelWork = (open: (file: string) => Sharp): Work => async (file) => {
  const pipeline = open(file);
  await pipeline.metadata();
  const { data, info } = await pipeline.rotate().toColourspace('srgb').removeAlpha().resize(329, 329, { fit: 'outside', kernel: 'linear' }).raw().toBuffer({ resolveWithObject: true });
  const fromWorking = () => sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } });
  await Promise.all([thumbnail(fromWorking()), fromWorking().jpeg({ ...MODEL_INPUT_JPEG, optimiseCoding: false }).toBuffer()]);
};
await table('pixel work alone: header, working image, thumbnail, model input (no hash, EXIF, dHash, files or rows)', files, [
  ['baseline loop', baseline],
  ['as import does it (full-size decode)', pixelWork((f) => sharp(bytes.get(f)!, OPEN))],
  ['decoded at 1/2 instead (model input pixels change)', pixelWork((f) => atScale(f, 2))],
  ['ICC ignored instead (model input pixels change)', pixelWork((f) => sharp(bytes.get(f)!, { ...OPEN, ignoreIcc: true }))],
]);

// 4. Thumbnail WebP effort: CPU, size, PSNR against the lossless 256 px thumbnail.
const reference = new Map<string, Buffer>();
for (const file of files) reference.set(file, await toRaw(sharp(file).rotate().resize(THUMB_SIZE_PX, THUMB_SIZE_PX, { fit: 'inside', withoutEnlargement: true })));
console.log('\nthumbnail WebP (quality 80) by effort: | effort | KiB | PSNR dB vs lossless |');
for (const effort of [0, 1, 2, 4]) {
  let total = 0;
  let squared = 0;
  let samples = 0;
  for (const file of files) {
    const webp = await thumbnail(sharp(file).rotate(), effort);
    total += webp.length;
    const decoded = await sharp(webp).raw().toBuffer();
    const ref = reference.get(file)!;
    for (let i = 0; i < ref.length; i++) squared += (ref[i]! - decoded[i]!) ** 2;
    samples += ref.length;
  }
  console.log(`| ${effort} | ${(total / files.length / 1024).toFixed(2)} | ${(10 * Math.log10(255 ** 2 / (squared / samples))).toFixed(2)} |`);
}
await table('thumbnail loop by WebP effort', files, [0, 1, 2, 4].map((effort): [string, Work] => [`effort ${effort}`, (f) => thumbnail(sharp(f).rotate(), effort)]));
