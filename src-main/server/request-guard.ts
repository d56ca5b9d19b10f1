// DNS-rebinding and cross-site protection: the Host header must name this server, and an Origin, when sent,
// must be this server's own. Browsers cannot forge either from another site.
import os from 'node:os';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.has(host);
}

/** How a host name appears in a Host header or URL (IPv6 in brackets). */
export function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Port 80 is http's default: browsers then leave it out of the URL, the Host header and the Origin. */
export const HTTP_DEFAULT_PORT = 80;

/** `name:port` as a browser writes it in a Host header or an origin: without the port when it is http's default. */
export function hostWithPort(name: string, port: number): string {
  return port === HTTP_DEFAULT_PORT ? name : `${name}:${port}`;
}

/** The URL `studio serve` prints, written as a browser normalises it (so its Host and Origin pass the checks). */
export function serverUrl(boundHost: string, port: number, token: string): string {
  const name = isWildcardHost(boundHost) ? '127.0.0.1' : hostForUrl(boundHost);
  return `http://${hostWithPort(name, port)}/?token=${token}`;
}

/**
 * The Host header values this server answers to. Loopback names always; with --allow-remote also the bound
 * address, and for a wildcard bind this machine's hostname and interface addresses. On port 80 both the form
 * browsers send (no port) and the explicit `:80` are accepted.
 */
export function allowedHosts(boundHost: string, port: number, allowRemote: boolean): Set<string> {
  const names = [...LOOPBACK_NAMES];
  if (allowRemote) {
    if (isWildcardHost(boundHost)) {
      names.push(os.hostname());
      for (const addresses of Object.values(os.networkInterfaces())) {
        for (const a of addresses ?? []) names.push(hostForUrl(a.address));
      }
    } else {
      names.push(hostForUrl(boundHost));
    }
  }
  const forms = names.flatMap((n) => [`${n.toLowerCase()}:${port}`, hostWithPort(n.toLowerCase(), port)]);
  return new Set(forms);
}

export type GuardResult = { ok: true } | { ok: false; reason: string };

export function checkHostAndOrigin(req: IncomingMessage, allowed: ReadonlySet<string>): GuardResult {
  const host = req.headers.host?.toLowerCase();
  if (!host || !allowed.has(host)) return { ok: false, reason: `Host header not allowed: expected this server's address, received "${req.headers.host ?? ''}"` };
  const origin = req.headers.origin;
  const ownOrigin = `http://${withoutDefaultPort(host)}`;
  if (origin !== undefined && origin.toLowerCase() !== ownOrigin) {
    return { ok: false, reason: `Cross-origin request refused: expected origin ${ownOrigin}, received "${origin}"` };
  }
  // Browsers send this even where they omit Origin (e.g. a cross-site <img> or top-level GET).
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return { ok: false, reason: `Cross-site request refused (Sec-Fetch-Site: ${fetchSite})` };
  return { ok: true };
}

/** Browsers serialize an origin without http's default port even if the Host header carried ":80". */
function withoutDefaultPort(host: string): string {
  return host.endsWith(`:${HTTP_DEFAULT_PORT}`) ? host.slice(0, -`:${HTTP_DEFAULT_PORT}`.length) : host;
}
