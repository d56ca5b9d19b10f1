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

/**
 * The Host header values this server answers to. Loopback names always; with --allow-remote also the bound
 * address, and for a wildcard bind this machine's hostname and interface addresses.
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
  return new Set(names.map((n) => `${n.toLowerCase()}:${port}`));
}

export type GuardResult = { ok: true } | { ok: false; reason: string };

export function checkHostAndOrigin(req: IncomingMessage, allowed: ReadonlySet<string>): GuardResult {
  const host = req.headers.host?.toLowerCase();
  if (!host || !allowed.has(host)) return { ok: false, reason: `Host header not allowed: expected this server's address, received "${req.headers.host ?? ''}"` };
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
    return { ok: false, reason: `Cross-origin request refused: expected origin http://${host}, received "${origin}"` };
  }
  // Browsers send this even where they omit Origin (e.g. a cross-site <img> or top-level GET).
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return { ok: false, reason: `Cross-site request refused (Sec-Fetch-Site: ${fetchSite})` };
  return { ok: true };
}
