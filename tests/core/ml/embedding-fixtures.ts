// Shared inputs for the embedding tests: the shared 0.35 weights and a few real alpaca photos.
import fs from 'node:fs';
import path from 'node:path';
import type { EmbedItem } from '../../../src-main/core/ml/features/embed.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';

export const WEIGHTS_DIR = path.join(SHARED_DIR, 'models/mobilenet_v2_0.35_imagenet_notop');

export function alpacaPhotos(count: number): string[] {
  const dirs = ['alpaca', 'not_alpaca'].map((d) => path.join(SHARED_DIR, 'datasets/alpaca', d));
  const files = dirs.map((dir) => fs.readdirSync(dir).sort().map((f) => path.join(dir, f)));
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) out.push(files[i % 2]![Math.floor(i / 2)]!);
  return out;
}

export function originalItems(files: readonly string[], view = 'original'): EmbedItem[] {
  return files.map((file) => ({ source: { kind: 'original', path: file }, view }));
}
