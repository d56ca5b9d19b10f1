// Preload (sandboxed, bundled to CommonJS by scripts/build-main.ts): exposes `window.studio` and nothing else.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createStudioBridge } from './electron/preload-api.js';

contextBridge.exposeInMainWorld('studio', createStudioBridge(ipcRenderer, webUtils));
