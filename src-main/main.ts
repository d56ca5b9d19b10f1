// Electron main process: composes the shell (window, menu, dialogs, IPC, media protocol) around the core,
// which runs in a utility process (src-main/electron/core-host.ts). No business logic here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, screen, session, shell, utilityProcess } from 'electron';
import { resolveLibraryDir } from './core/library/library-location.js';
import { createAppLocation, devServerUrl } from './electron/app-location.js';
import { buildMenuTemplate } from './electron/app-menu.js';
import { eventChannel } from './electron/channels.js';
import { superviseCore } from './electron/core-supervisor.js';
import { registerStudioIpc, relayCoreEvents } from './electron/ipc-handlers.js';
import { LIBRARY_ARG, libraryDirFromArgs } from './electron/library-arg.js';
import { createMainWindow } from './electron/main-window.js';
import { MEDIA_SCHEME, MEDIA_SCHEME_PRIVILEGES, createMediaHandler } from './electron/media-protocol.js';
import { hardenWebContents, installSessionSecurity } from './electron/security.js';
import { installCleanShutdown } from './electron/shutdown.js';
import { claimSingleInstance } from './electron/single-instance.js';
import { WINDOW_STATE_FILE, loadWindowState } from './electron/window-state.js';

// Built layout (scripts/build-main.ts): dist/main/{main.js, preload.cjs, electron/core-host.js}, dist/renderer/.
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD_PATH = path.join(HERE, 'preload.cjs');
const CORE_HOST_PATH = path.join(HERE, 'electron', 'core-host.js');
const RENDERER_INDEX = path.join(HERE, '..', 'renderer', 'index.html');
const ICON_PATH = path.join(HERE, '..', '..', 'resources', 'icon.png');

let mainWindow: BrowserWindow | null = null;

protocol.registerSchemesAsPrivileged([MEDIA_SCHEME_PRIVILEGES]);
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell));

if (claimSingleInstance(app, () => mainWindow)) {
  app.on('window-all-closed', () => app.quit());
  app.whenReady().then(start, (error: unknown) => fatal('Electron did not start', error));
}

function start(): void {
  installSessionSecurity(session.defaultSession);

  const libraryDir = resolveLibraryDir(libraryDirFromArgs(process.argv) ?? undefined);
  const core = superviseCore(() =>
    utilityProcess.fork(CORE_HOST_PATH, [LIBRARY_ARG, libraryDir], { serviceName: 'Hike Photo Studio core', stdio: 'inherit' }),
  );
  core.ready.catch((error: unknown) => fatal(`Could not open the library in ${libraryDir}`, error));
  installCleanShutdown(app, core);
  protocol.handle(MEDIA_SCHEME, createMediaHandler((kind, id) => core.resolveMedia(kind, id)));

  const location = createAppLocation({
    rendererIndex: RENDERER_INDEX,
    devServer: devServerUrl(process.env.VITE_DEV_SERVER_URL, app.isPackaged),
  });
  const stateFile = path.join(app.getPath('userData'), WINDOW_STATE_FILE);
  mainWindow = createMainWindow({
    create: (options) => new BrowserWindow(options),
    state: loadWindowState(stateFile, screen.getAllDisplays().map((d) => d.workArea)),
    stateFile,
    preloadPath: PRELOAD_PATH,
    iconPath: ICON_PATH,
    target: location.target,
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });

  registerStudioIpc({
    ipcMain,
    policy: { mainContents: () => mainWindow?.webContents ?? null, isAppUrl: location.isAppUrl },
    core,
    pickFolder: async () => {
      const options = { title: 'Import a folder of photos', properties: ['openDirectory' as const] };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  });
  relayCoreEvents(core, () => mainWindow?.webContents ?? null);

  const menu = buildMenuTemplate({
    platform: process.platform,
    isDevelopment: !app.isPackaged,
    send: (command) => mainWindow?.webContents.send(eventChannel('shell.command'), { command }),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menu));
}

function fatal(what: string, error: unknown): void {
  console.error(`[main] ${what}`, error);
  dialog.showErrorBox('Hike Photo Studio', `${what}.\n\n${error instanceof Error ? error.message : String(error)}`);
  app.quit();
}
