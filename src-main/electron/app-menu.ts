// The native application menu. It owns the app's shortcuts so they work everywhere in the window, and turns
// each into a command for the renderer (which knows the current view and selection).
import type { MenuItemConstructorOptions } from 'electron';
import type { ShellCommand } from '../api/desktop-bridge.js';

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Development builds get reload and DevTools; packaged builds do not. */
  isDevelopment: boolean;
  send(command: ShellCommand): void;
}

export function buildMenuTemplate({ platform, isDevelopment, send }: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const command = (label: string, name: ShellCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => send(name),
  });
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) template.push({ role: 'appMenu' });
  template.push(
    {
      label: '&File',
      submenu: [command('&Import Folder…', 'import-folder', 'CmdOrCtrl+O'), { type: 'separator' }, isMac ? { role: 'close' } : { role: 'quit' }],
    },
    {
      label: '&Edit',
      // Undo/redo go to the renderer: in a text field it undoes typing, elsewhere the last label change.
      submenu: [
        command('&Undo', 'undo', 'CmdOrCtrl+Z'),
        command('&Redo', 'redo', isMac ? 'Shift+Cmd+Z' : 'Ctrl+Shift+Z'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        command('&Library', 'view-library', 'CmdOrCtrl+1'),
        command('&Train', 'view-train', 'CmdOrCtrl+2'),
        command('R&uns', 'view-runs', 'CmdOrCtrl+3'),
        command('Re&view', 'view-review', 'CmdOrCtrl+4'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        // Reload is deliberately not CmdOrCtrl+R: that is Retrain.
        ...(isDevelopment ? [{ type: 'separator' as const }, { role: 'toggleDevTools' as const }, { role: 'forceReload' as const, accelerator: 'F5' }] : []),
      ],
    },
    { label: '&Model', submenu: [command('&Retrain', 'retrain', 'CmdOrCtrl+R')] },
    { role: 'help', submenu: [command('&Keyboard Shortcuts  (?)', 'show-help', 'F1')] },
  );
  return template;
}
