import { describe, expect, it } from 'vitest';
import type { HardenedContents } from '../../src-main/electron/security.js';
import { CONTENT_SECURITY_POLICY, hardenWebContents, installSessionSecurity, isExternalWebUrl } from '../../src-main/electron/security.js';
import { mainWindowOptions } from '../../src-main/electron/main-window.js';
import { DEFAULT_WINDOW_STATE } from '../../src-main/electron/window-state.js';

type AnyListener = (...args: unknown[]) => void;

function fakeContents() {
  const listeners = new Map<string, AnyListener>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on(event: string, listener: AnyListener) {
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      openHandler = handler;
    },
  };
  const fire = (event: string, ...args: unknown[]) => {
    const prevented = { value: false };
    listeners.get(event)?.({ preventDefault: () => (prevented.value = true) }, ...args);
    return prevented.value;
  };
  return { contents: contents as unknown as HardenedContents, fire, openWindow: (url: string) => openHandler?.({ url }) };
}

function fakeShell() {
  const opened: string[] = [];
  return { opened, shell: { openExternal: async (url: string) => void opened.push(url) } };
}

describe('mainWindowOptions', () => {
  it('turns on every isolation option and no experimental feature', () => {
    const options = mainWindowOptions(DEFAULT_WINDOW_STATE, '/app/dist/main/preload.cjs');
    expect(options.webPreferences).toEqual({
      preload: '/app/dist/main/preload.cjs',
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
    });
    expect(options.webPreferences).not.toHaveProperty('enableBlinkFeatures');
    expect(options.show).toBe(false);
  });

  it('uses remembered bounds and leaves the position to the OS when none is remembered', () => {
    expect(mainWindowOptions({ x: 10, y: 20, width: 900, height: 700, maximized: false }, 'p')).toMatchObject({ x: 10, y: 20, width: 900, height: 700 });
    expect(mainWindowOptions(DEFAULT_WINDOW_STATE, 'p')).not.toHaveProperty('x');
  });
});

describe('hardenWebContents', () => {
  it('blocks every navigation and opens web links in the system browser', () => {
    const { contents, fire } = fakeContents();
    const { shell, opened } = fakeShell();
    hardenWebContents(contents, shell);
    expect(fire('will-navigate', 'https://example.org/trail')).toBe(true);
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fire('will-navigate', 'javascript:alert(1)')).toBe(true);
    expect(opened).toEqual(['https://example.org/trail']);
  });

  it('denies every new window, passing only http(s) links to the system browser', () => {
    const { contents, openWindow } = fakeContents();
    const { shell, opened } = fakeShell();
    hardenWebContents(contents, shell);
    for (const url of ['https://tensorflow.org/js', 'smb://server/share', 'file:///home', 'studio-media://photo/1']) {
      expect(openWindow(url)).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://tensorflow.org/js']);
  });

  it('prevents attaching a webview', () => {
    const { contents, fire } = fakeContents();
    hardenWebContents(contents, fakeShell().shell);
    expect(fire('will-attach-webview', {}, {})).toBe(true);
  });
});

describe('isExternalWebUrl', () => {
  it('is true only for http and https', () => {
    expect(['https://a.b/', 'http://a.b/'].map(isExternalWebUrl)).toEqual([true, true]);
    expect(['mailto:x@y.z', 'file:///x', 'ms-msdt:abc', 'nonsense'].map(isExternalWebUrl)).toEqual([false, false, false, false]);
  });
});

describe('installSessionSecurity', () => {
  it('denies permission requests and checks, and replaces any CSP header with the strict one', () => {
    let requestHandler: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let checkHandler: (() => boolean) | undefined;
    let headersListener: ((details: { responseHeaders?: Record<string, string[]> }, callback: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | undefined;
    installSessionSecurity({
      setPermissionRequestHandler: (handler: never) => void (requestHandler = handler),
      setPermissionCheckHandler: (handler: never) => void (checkHandler = handler),
      webRequest: { onHeadersReceived: (listener: never) => void (headersListener = listener) },
    } as never);
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) requestHandler?.({}, permission, (g) => answers.push(g));
    expect(answers).toEqual([false, false, false, false]);
    expect(checkHandler?.()).toBe(false);
    let headers: Record<string, string[]> = {};
    headersListener?.({ responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('allows scripts only from the app and never inline or eval', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['img-src']).toContain('studio-media:');
    expect(directives['object-src']).toEqual(["'none'"]);
  });
});
