// Where the renderer comes from (the packaged index.html, or the Vite dev server when not packaged) and the
// one test of "is this URL our app?" used by the IPC sender check.
import { pathToFileURL } from 'node:url';

export type LoadTarget = { kind: 'file'; filePath: string } | { kind: 'url'; url: string };

export interface AppLocation {
  target: LoadTarget;
  isAppUrl(url: string): boolean;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The dev server is honoured only when not packaged, and only on this machine over http(s). */
export function devServerUrl(raw: string | undefined, isPackaged: boolean): URL | null {
  if (isPackaged || !raw) return null;
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOCAL_HOSTS.has(url.hostname) ? url : null;
  } catch {
    return null;
  }
}

function withoutFragment(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export function createAppLocation(options: { rendererIndex: string; devServer: URL | null }): AppLocation {
  const { devServer } = options;
  if (devServer) {
    return {
      target: { kind: 'url', url: devServer.href },
      isAppUrl(url) {
        try {
          return new URL(url).origin === devServer.origin;
        } catch {
          return false;
        }
      },
    };
  }
  const indexUrl = withoutFragment(pathToFileURL(options.rendererIndex));
  return {
    target: { kind: 'file', filePath: options.rendererIndex },
    isAppUrl(url) {
      try {
        const parsed = new URL(url);
        return parsed.protocol === 'file:' && withoutFragment(parsed) === indexUrl;
      } catch {
        return false;
      }
    },
  };
}
