// Remembers the main window's bounds in a small JSON file in userData; a missing, corrupt or off-screen file
// falls back to defaults (and never stops the app from starting).
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const WINDOW_STATE_FILE = 'window-state.json';
export const MIN_WINDOW_WIDTH_PX = 800;
export const MIN_WINDOW_HEIGHT_PX = 560;

const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(MIN_WINDOW_WIDTH_PX).max(20_000),
  height: z.number().int().min(MIN_WINDOW_HEIGHT_PX).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Keeps a remembered position only if the window's top-left area is on a current display. */
function onSomeDisplay(state: WindowState, displays: readonly Rect[]): boolean {
  if (state.x === undefined || state.y === undefined) return true;
  const { x, y } = state;
  return displays.some((d) => x + 100 > d.x && x < d.x + d.width - 100 && y >= d.y && y < d.y + d.height - 50);
}

export function loadWindowState(file: string, displays: readonly Rect[] = []): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  const parsed = WindowState.safeParse(raw);
  if (!parsed.success) return { ...DEFAULT_WINDOW_STATE };
  const state = parsed.data;
  if (displays.length > 0 && !onSomeDisplay(state, displays)) {
    return { width: state.width, height: state.height, maximized: state.maximized };
  }
  return state;
}

export function saveWindowState(file: string, state: WindowState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(state));
  fs.renameSync(temp, file);
}

export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  on(event: 'close', listener: () => void): unknown;
}

/** Saves the normal (un-maximized) bounds when the window closes. */
export function trackWindowState(win: TrackedWindow, file: string, log: (message: string, error: unknown) => void = console.error): void {
  win.on('close', () => {
    const bounds = win.getNormalBounds();
    try {
      saveWindowState(file, { ...bounds, maximized: win.isMaximized() });
    } catch (error) {
      log('[window-state] could not save', error);
    }
  });
}
