// The main window's security settings in one place: webPreferences, CSP, permission, navigation and new-window
// policy. Functions take the Electron objects they touch, so tests pass fakes. See docs/electron-security.md.
import type { BrowserWindowConstructorOptions, Session, Shell, WebContents } from 'electron';
import { MEDIA_SCHEME } from './media-protocol.js';

export function secureWebPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/**
 * One policy for the packaged page (meta tag, file://), the dev server (header) and browser mode: scripts only
 * from the app itself, images also from the media protocol. Inline styles stay allowed because Svelte sets
 * style attributes and Vite injects <style> in development; scripts never run inline.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: blob: ${MEDIA_SCHEME}:`,
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

type SessionPart = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

export function installSessionSecurity(session: SessionPart): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string | string[]> = { ...(details.responseHeaders ?? {}) };
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
}

/** Only http(s) links leave the app, and only to the system browser. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

export type HardenedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Blocks every navigation (the app is one page), every new window and every <webview>; web links open outside. */
export function hardenWebContents(contents: HardenedContents, shell: Pick<Shell, 'openExternal'>): void {
  const openOutside = (url: string): void => {
    if (isExternalWebUrl(url)) void shell.openExternal(url).catch(() => undefined);
  };
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    openOutside(url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}
