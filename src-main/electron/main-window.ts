// Creates the one main window: remembered bounds, the hardened webPreferences, shown when ready to paint.
import type { BrowserWindowConstructorOptions } from 'electron';
import type { LoadTarget } from './app-location.js';
import { secureWebPreferences } from './security.js';
import { MIN_WINDOW_HEIGHT_PX, MIN_WINDOW_WIDTH_PX, trackWindowState, type TrackedWindow, type WindowState } from './window-state.js';

export const WINDOW_BACKGROUND = '#1d1f21';

export function mainWindowOptions(state: WindowState, preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_WINDOW_WIDTH_PX,
    minHeight: MIN_WINDOW_HEIGHT_PX,
    show: false,
    title: 'Hike Photo Studio',
    backgroundColor: WINDOW_BACKGROUND,
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** The BrowserWindow surface used here; Electron's BrowserWindow fits, tests pass a fake. */
export interface MainWindowLike extends TrackedWindow {
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  maximize(): void;
  loadFile(filePath: string): Promise<void>;
  loadURL(url: string): Promise<void>;
}

export interface CreateMainWindowOptions<W extends MainWindowLike> {
  create(options: BrowserWindowConstructorOptions): W;
  state: WindowState;
  stateFile: string;
  preloadPath: string;
  iconPath?: string;
  target: LoadTarget;
  log?: (message: string, error: unknown) => void;
}

export function createMainWindow<W extends MainWindowLike>(options: CreateMainWindowOptions<W>): W {
  const { state, log = console.error } = options;
  const win = options.create(mainWindowOptions(state, options.preloadPath, options.iconPath));
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize();
    win.show();
  });
  trackWindowState(win, options.stateFile, log);
  const loading = options.target.kind === 'file' ? win.loadFile(options.target.filePath) : win.loadURL(options.target.url);
  loading.catch((error: unknown) => log('[main-window] could not load the renderer', error));
  return win;
}
