import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { SHELL_COMMANDS, type ShellCommand } from '../../src-main/api/desktop-bridge.js';
import { buildMenuTemplate } from '../../src-main/electron/app-menu.js';
import { createMainWindow, type MainWindowLike } from '../../src-main/electron/main-window.js';
import { claimSingleInstance, type FocusableWindow } from '../../src-main/electron/single-instance.js';
import { DEFAULT_WINDOW_STATE, loadWindowState, saveWindowState } from '../../src-main/electron/window-state.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('window state', () => {
  const dir = makeTempDir('window-state-');

  it('round-trips saved bounds', () => {
    const file = path.join(dir, 'round-trip.json');
    saveWindowState(file, { x: 40, y: 30, width: 1400, height: 900, maximized: true });
    expect(loadWindowState(file)).toEqual({ x: 40, y: 30, width: 1400, height: 900, maximized: true });
  });

  it('falls back to defaults for a missing, corrupt or out-of-range file', () => {
    expect(loadWindowState(path.join(dir, 'absent.json'))).toEqual(DEFAULT_WINDOW_STATE);
    const corrupt = path.join(dir, 'corrupt.json');
    fs.writeFileSync(corrupt, '{"width": 1200, "hei');
    expect(loadWindowState(corrupt)).toEqual(DEFAULT_WINDOW_STATE);
    const tiny = path.join(dir, 'tiny.json');
    fs.writeFileSync(tiny, JSON.stringify({ width: 10, height: 10, maximized: false }));
    expect(loadWindowState(tiny)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('forgets a position that is on no current display but keeps the size', () => {
    const file = path.join(dir, 'offscreen.json');
    saveWindowState(file, { x: 5000, y: 100, width: 1000, height: 700, maximized: false });
    expect(loadWindowState(file, [{ x: 0, y: 0, width: 1920, height: 1080 }])).toEqual({ width: 1000, height: 700, maximized: false });
    expect(loadWindowState(file, [{ x: 0, y: 0, width: 1920, height: 1080 }, { x: 1920, y: 0, width: 3840, height: 2160 }])).toMatchObject({ x: 5000 });
  });
});

class FakeWindow implements MainWindowLike {
  readonly events = new Map<string, () => void>();
  readonly calls: string[] = [];
  constructor(readonly options: BrowserWindowConstructorOptions) {}
  on(event: string, listener: () => void) {
    this.events.set(event, listener);
    return this;
  }
  once(event: string, listener: () => void) {
    return this.on(event, listener);
  }
  show() {
    this.calls.push('show');
  }
  maximize() {
    this.calls.push('maximize');
  }
  isMaximized() {
    return this.calls.includes('maximize');
  }
  getNormalBounds() {
    return { x: 11, y: 22, width: 1111, height: 777 };
  }
  async loadFile(file: string) {
    this.calls.push(`loadFile ${file}`);
  }
  async loadURL(url: string) {
    this.calls.push(`loadURL ${url}`);
  }
}

describe('createMainWindow', () => {
  it('loads the renderer, shows when ready (maximized if it was) and saves its bounds on close', () => {
    const stateFile = path.join(makeTempDir('main-window-'), 'window-state.json');
    const win = createMainWindow({
      create: (options) => new FakeWindow(options),
      state: { width: 1000, height: 700, maximized: true },
      stateFile,
      preloadPath: '/app/preload.cjs',
      target: { kind: 'file', filePath: '/app/dist/renderer/index.html' },
    });
    expect(win.options.webPreferences?.sandbox).toBe(true);
    expect(win.calls).toEqual(['loadFile /app/dist/renderer/index.html']);
    win.events.get('ready-to-show')?.();
    expect(win.calls.slice(1)).toEqual(['maximize', 'show']);
    win.events.get('close')?.();
    expect(loadWindowState(stateFile)).toEqual({ x: 11, y: 22, width: 1111, height: 777, maximized: true });
  });
});

describe('claimSingleInstance', () => {
  function fakeApp(gotLock: boolean) {
    const handlers = new Map<string, () => void>();
    const app = {
      quitCalled: false,
      requestSingleInstanceLock: () => gotLock,
      quit() {
        app.quitCalled = true;
      },
      on(event: string, listener: () => void) {
        handlers.set(event, listener);
        return app;
      },
    };
    return { app, handlers };
  }

  it('quits the second instance without creating a window', () => {
    const { app, handlers } = fakeApp(false);
    expect(claimSingleInstance(app as never, () => null)).toBe(false);
    expect(app.quitCalled).toBe(true);
    expect(handlers.size).toBe(0);
  });

  it('brings the first instance forward, restoring it if minimized, when a second starts', () => {
    const { app, handlers } = fakeApp(true);
    const calls: string[] = [];
    const win: FocusableWindow = { isMinimized: () => true, restore: () => calls.push('restore'), show: () => calls.push('show'), focus: () => calls.push('focus') };
    expect(claimSingleInstance(app as never, () => win)).toBe(true);
    handlers.get('second-instance')?.();
    expect(calls).toEqual(['restore', 'show', 'focus']);
    expect(app.quitCalled).toBe(false);
  });
});

describe('buildMenuTemplate', () => {
  function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
    return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
  }

  it('sends every shell command from a menu item, each with a distinct shortcut', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const sent: ShellCommand[] = [];
      const all = items(buildMenuTemplate({ platform, isDevelopment: false, send: (c) => sent.push(c) }));
      for (const item of all) if (item.click) (item.click as () => void)();
      expect([...sent].sort()).toEqual([...SHELL_COMMANDS].sort());
      const accelerators = all.map((i) => i.accelerator).filter(Boolean);
      expect(new Set(accelerators).size).toBe(accelerators.length);
    }
  });

  it('binds the documented shortcuts', () => {
    const all = items(buildMenuTemplate({ platform: 'linux', isDevelopment: true, send: () => undefined }));
    const byLabel = (label: string) => all.find((i) => i.label?.replace('&', '').startsWith(label))?.accelerator;
    expect(byLabel('Import Folder')).toBe('CmdOrCtrl+O');
    expect(byLabel('Retrain')).toBe('CmdOrCtrl+R');
    expect(byLabel('Undo')).toBe('CmdOrCtrl+Z');
    expect(byLabel('Keyboard Shortcuts')).toBe('F1');
    expect(all.filter((i) => /^CmdOrCtrl\+[1-4]$/.test(String(i.accelerator))).map((i) => i.accelerator)).toEqual(['CmdOrCtrl+1', 'CmdOrCtrl+2', 'CmdOrCtrl+3', 'CmdOrCtrl+4']);
    expect(all.some((i) => i.role === 'reload')).toBe(false);
  });

  it('keeps DevTools out of packaged builds', () => {
    const packaged = items(buildMenuTemplate({ platform: 'linux', isDevelopment: false, send: () => undefined }));
    expect(packaged.some((i) => i.role === 'toggleDevTools')).toBe(false);
  });
});
