// Renders resources/icon.svg to resources/icon.png (512×512), the icon electron-builder turns into .icns/.ico.
// Run after editing the SVG: `node bin/run-ts.js scripts/make-icon.ts`; both files are committed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const ICON_SIZE_PX = 512;
const RESOURCES = path.resolve(fileURLToPath(new URL('../resources', import.meta.url)));

export async function makeIcon(svgFile = path.join(RESOURCES, 'icon.svg'), pngFile = path.join(RESOURCES, 'icon.png')): Promise<void> {
  await sharp(svgFile, { density: 144 }).resize(ICON_SIZE_PX, ICON_SIZE_PX).png({ compressionLevel: 9, palette: true }).toFile(pngFile);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await makeIcon();
