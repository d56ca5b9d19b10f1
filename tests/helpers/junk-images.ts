// Three "not a photo" images made with sharp, for the outlier queue: a flat colour, a card of rendered text and a
// screenshot-like UI (title bar, sidebar, buttons, lines of text). JPEG, like the photos they hide among.
import path from 'node:path';
import sharp from 'sharp';

const W = 640;
const H = 480;

const TEXT_CARD = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <rect width="100%" height="100%" fill="#fdf6e3"/>
  <text x="40" y="120" font-family="sans-serif" font-size="44" font-weight="bold" fill="#222">Trail closed</text>
  <text x="40" y="190" font-family="sans-serif" font-size="26" fill="#333">Due to rockfall the upper path</text>
  <text x="40" y="230" font-family="sans-serif" font-size="26" fill="#333">is closed until further notice.</text>
  <text x="40" y="270" font-family="sans-serif" font-size="26" fill="#333">Please use the valley route.</text>
  <text x="40" y="400" font-family="serif" font-size="22" fill="#555">Park administration, tel. 0123 456 789</text>
</svg>`;

const rows = Array.from({ length: 9 }, (_, i) => `<rect x="200" y="${110 + i * 36}" width="${360 - (i % 3) * 60}" height="12" rx="3" fill="#c9ced6"/>`).join('');
const UI_SCREENSHOT = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <rect width="100%" height="100%" fill="#ffffff"/>
  <rect width="100%" height="40" fill="#2d3440"/>
  <circle cx="20" cy="20" r="7" fill="#ff5f56"/><circle cx="42" cy="20" r="7" fill="#ffbd2e"/><circle cx="64" cy="20" r="7" fill="#27c93f"/>
  <text x="260" y="27" font-family="sans-serif" font-size="16" fill="#e8e8e8">Settings — Preferences</text>
  <rect y="40" width="170" height="${H - 40}" fill="#eef0f3"/>
  ${Array.from({ length: 7 }, (_, i) => `<text x="18" y="${80 + i * 34}" font-family="sans-serif" font-size="15" fill="#333">Menu item ${i + 1}</text>`).join('')}
  <text x="200" y="85" font-family="sans-serif" font-size="22" font-weight="bold" fill="#111">General</text>
  ${rows}
  <rect x="420" y="420" width="90" height="34" rx="6" fill="#2f6fed"/><text x="445" y="443" font-family="sans-serif" font-size="15" fill="#fff">Save</text>
  <rect x="520" y="420" width="100" height="34" rx="6" fill="#ffffff" stroke="#999"/><text x="543" y="443" font-family="sans-serif" font-size="15" fill="#333">Cancel</text>
</svg>`;

/** Writes junk-flat.jpg, junk-text.jpg and junk-ui.jpg into `dir`; returns their paths. */
export async function writeJunkImages(dir: string): Promise<string[]> {
  const flat = path.join(dir, 'junk-flat.jpg');
  const text = path.join(dir, 'junk-text.jpg');
  const ui = path.join(dir, 'junk-ui.jpg');
  await sharp({ create: { width: W, height: H, channels: 3, background: '#6b8fb8' } }).jpeg().toFile(flat);
  await sharp(Buffer.from(TEXT_CARD)).jpeg().toFile(text);
  await sharp(Buffer.from(UI_SCREENSHOT)).jpeg().toFile(ui);
  return [flat, text, ui];
}
