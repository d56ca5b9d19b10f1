// Model-input cache candidates (docs/benchmarks.md, "Model-input cache"): one working image per photo (short side
// 329 px = 288 / 0.875, aspect kept) stored as PNG / lossless WebP / JPEG / lossy WebP, against today's 224 px
// stretched PNG. Per candidate: bytes, encode and decode ms, and the pooled-feature difference (MobileNetV2 1.0,
// 288 px centre crop, ONNX Runtime) against the same working image kept lossless.
// Run: `node bin/run-ts.js bench/experiments/model-input-cache.ts [photos]`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { selectBackend } from '../../src-main/core/ml/backbone/backend.js';
import { ensureBackboneOnnx } from '../../src-main/core/ml/features/onnx/backbone-onnx-file.js';
import { loadOnnxRuntime } from '../../src-main/core/ml/features/onnx/onnx-runtime.js';
import { openUpright } from '../../src-main/core/photos/decode-image.js';

const SHARED = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared');
const COUNT = Number(process.argv[2] ?? 48);
const SHORT_SIDE = 329;
const CROP = 288;

type Raw = { data: Buffer; width: number; height: number };
const CANDIDATES: Array<{ name: string; encode: (s: Sharp) => Sharp }> = [
  { name: 'PNG zlib 1', encode: (s) => s.png({ compressionLevel: 1 }) },
  { name: 'PNG zlib 6', encode: (s) => s.png({ compressionLevel: 6 }) },
  { name: 'WebP lossless effort 1', encode: (s) => s.webp({ lossless: true, effort: 1 }) },
  { name: 'JPEG q98 4:4:4', encode: (s) => s.jpeg({ quality: 98, chromaSubsampling: '4:4:4' }) },
  { name: 'JPEG q95 4:4:4', encode: (s) => s.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }) },
  { name: 'JPEG q90 4:4:4', encode: (s) => s.jpeg({ quality: 90, chromaSubsampling: '4:4:4' }) },
  { name: 'JPEG q95 4:2:0', encode: (s) => s.jpeg({ quality: 95 }) },
  { name: 'WebP q95', encode: (s) => s.webp({ quality: 95, effort: 2 }) },
  { name: 'WebP near-lossless 60', encode: (s) => s.webp({ nearLossless: true, quality: 60, effort: 1 }) },
];

function files(count: number): string[] {
  const dirs = ['alpaca', 'not_alpaca'].map((d) => path.join(SHARED, 'datasets/alpaca', d));
  const lists = dirs.map((dir) => fs.readdirSync(dir).sort().map((f) => path.join(dir, f)));
  return Array.from({ length: count }, (_, i) => lists[i % 2]![Math.floor(i / 2)]!);
}

const fromRaw = (r: Raw) => sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } });

async function decode(buffer: Buffer): Promise<Raw> {
  const { data, info } = await sharp(buffer).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function crop(r: Raw): Promise<Float32Array> {
  const left = Math.floor((r.width - CROP) / 2);
  const top = Math.floor((r.height - CROP) / 2);
  const data = await fromRaw(r).extract({ left, top, width: CROP, height: CROP }).raw().toBuffer();
  return Float32Array.from(data, (v) => v / 127.5 - 1);
}

const ms = (t: number) => performance.now() - t;

const backend = await selectBackend('wasm');
const runtime = await loadOnnxRuntime();
if (!runtime.ok) throw new Error(runtime.why);
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-exp-'));
const graph = await ensureBackboneOnnx(backend.tf, {
  alpha: 1,
  inputSize: CROP,
  weightsDir: path.join(SHARED, 'models/mobilenet_v2_1.0_imagenet_notop'),
  onnxCacheDir: temp,
});
const ort = runtime.ort;
const session = await ort.InferenceSession.create(graph.model as string, { intraOpNumThreads: 2 });
async function features(inputs: Float32Array[]): Promise<Float32Array> {
  const batch = new Float32Array(inputs.length * CROP * CROP * 3);
  inputs.forEach((x, i) => batch.set(x, i * x.length));
  const out = await session.run({ image: new ort.Tensor('float32', batch, [inputs.length, CROP, CROP, 3]) });
  return Object.values(out)[0]!.data as Float32Array;
}

const list = files(COUNT);
const working: Raw[] = [];
let v2Bytes = 0;
for (const file of list) {
  const { data, info } = await openUpright(file).removeAlpha().resize(SHORT_SIDE, SHORT_SIDE, { fit: 'outside', kernel: 'linear' }).raw().toBuffer({ resolveWithObject: true });
  working.push({ data, width: info.width, height: info.height });
  const v2 = await openUpright(file).removeAlpha().resize(256, 256, { fit: 'outside' }).resize(224, 224, { fit: 'fill', kernel: 'linear' }).png({ compressionLevel: 1 }).toBuffer();
  v2Bytes += v2.length;
}
const reference = await features(await Promise.all(working.map(crop)));
console.log(`${COUNT} alpaca photos; today's 224 px stretched PNG (zlib 1): ${(v2Bytes / COUNT / 1024).toFixed(1)} KiB/photo`);
console.log('candidate | KiB/photo | encode ms | decode ms | max abs Δ feature | mean abs Δ | max abs Δ pixel');
for (const candidate of CANDIDATES) {
  let bytes = 0;
  let encodeMs = 0;
  let decodeMs = 0;
  let maxPixel = 0;
  const inputs: Float32Array[] = [];
  for (const image of working) {
    let t = performance.now();
    const encoded = await candidate.encode(fromRaw(image)).toBuffer();
    encodeMs += ms(t);
    bytes += encoded.length;
    t = performance.now();
    const back = await decode(encoded);
    decodeMs += ms(t);
    for (let i = 0; i < back.data.length; i++) maxPixel = Math.max(maxPixel, Math.abs(back.data[i]! - image.data[i]!));
    inputs.push(await crop(back));
  }
  const got = await features(inputs);
  let maxAbs = 0;
  let sumAbs = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i]! - reference[i]!);
    maxAbs = Math.max(maxAbs, d);
    sumAbs += d;
  }
  console.log(
    `${candidate.name} | ${(bytes / COUNT / 1024).toFixed(1)} | ${(encodeMs / COUNT).toFixed(2)} | ${(decodeMs / COUNT).toFixed(2)} | ${maxAbs.toExponential(2)} | ${(sumAbs / got.length).toExponential(2)} | ${maxPixel}`,
  );
}
await session.release();
fs.rmSync(temp, { recursive: true, force: true });
