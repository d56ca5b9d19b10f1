// Where import's CPU goes per photo (docs/benchmarks.md, "Import"): each stage of processFile run alone over the
// alpaca set, one file at a time, CPU time of all threads (process.cpuUsage) so sharp's worker threads count.
// Run: `node bin/run-ts.js bench/experiments/import-stages.ts`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { openUprightByRange } from '../../src-main/core/photos/decode-image.js';
import { decodeWorkingImage, encodeModelInput, encodeThumbnail, type WorkingImage } from '../../src-main/core/photos/derive-images.js';
import { THUMB_SIZE_PX, THUMB_WEBP_QUALITY, writeFileAtomic } from '../../src-main/core/photos/derived-files.js';
import { hashFile } from '../../src-main/core/photos/hash-file.js';
import { isNearBlank } from '../../src-main/core/photos/near-blank.js';
import { differenceHash } from '../../src-main/core/photos/perceptual-hash.js';
import { readExif } from '../../src-main/core/photos/read-exif.js';
import { configureSharpForImport } from '../../src-main/core/photos/sharp-settings.js';

const SHARED = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared');
const dirs = ['alpaca', 'not_alpaca'].map((d) => path.join(SHARED, 'datasets/alpaca', d));
const files = dirs.flatMap((dir) => fs.readdirSync(dir).sort().map((f) => path.join(dir, f)));
for (const file of files) fs.readFileSync(file);
configureSharpForImport();
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'import-stages-'));

async function stage<T>(name: string, inputs: readonly T[], work: (input: T, i: number) => Promise<unknown>): Promise<void> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (const [i, input] of inputs.entries()) await work(input, i);
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / inputs.length;
  console.log(`| ${name} | ${cpuMs.toFixed(2)} | ${((performance.now() - t) / inputs.length).toFixed(2)} |`);
}

console.log(`${files.length} alpaca photos, one at a time`);
console.log('| stage | CPU ms/photo | wall ms/photo |');
console.log('|---|---|---|');
await stage('plain sharp thumbnail (the bench baseline)', files, (file, i) =>
  sharp(file).rotate().resize(THUMB_SIZE_PX, THUMB_SIZE_PX, { fit: 'inside', withoutEnlargement: true }).webp({ quality: THUMB_WEBP_QUALITY, effort: 2 }).toFile(path.join(temp, `${i}.webp`)),
);
await stage('SHA-256 (hashFile)', files, (file) => hashFile(file));
await stage('EXIF (exifr)', files, (file) => readExif(file));
await stage('header + 16-bit range (openUprightByRange)', files, (file) => openUprightByRange(file));
const working: WorkingImage[] = [];
await stage('decode to the working image', files, async (file) => working.push(await decodeWorkingImage(file)));
await stage('near-blank check (JS)', working, async (image) => isNearBlank(image.data));
await stage('thumbnail WebP from working', working, (image) => encodeThumbnail(image));
const encoded: Buffer[] = [];
await stage('model input JPEG from working', working, async (image) => encoded.push(await encodeModelInput(image)));
await stage('model input, previous: 224 PNG zlib 1', working, (image) =>
  sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(224, 224, { fit: 'fill', kernel: 'linear' }).png({ compressionLevel: 1 }).toBuffer(),
);
await stage('dHash from working', working, async (image) => differenceHash(image.data, image));
await stage('write 2 files atomically', encoded, async (data, i) => {
  await writeFileAtomic(path.join(temp, 'm', `${i}.jpg`), data);
  await writeFileAtomic(path.join(temp, 't', `${i}.webp`), data);
});
fs.rmSync(temp, { recursive: true, force: true });
