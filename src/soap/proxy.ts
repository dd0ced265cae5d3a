/**
 * The `proxy` URI parameter: `[type://]host[:port]` with type http (default), socks (= socks5), socks4, socks4a or
 * socks5 and 1080 as the default port for every type, as libvirt's ESX driver documents it.
 */
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../errors.js';

/** Proxy protocols the transport speaks; `socks` of the URI syntax is normalised to `socks5`. */
export type ProxyType = 'http' | 'socks4' | 'socks4a' | 'socks5';

/** A parsed proxy: protocol, host (IPv6 without brackets) and port. */
export interface ProxySpec {
  readonly type: ProxyType;
  readonly host: string;
  readonly port: number;
}

/** Port used when the proxy string names none (libvirt's documented default for every type). */
export const DEFAULT_PROXY_PORT = 1080;

const TYPES: Readonly<Record<string, ProxyType>> = {
  http: 'http',
  socks: 'socks5',
  socks4: 'socks4',
  socks4a: 'socks4a',
  socks5: 'socks5',
};

/** Parses `[type://]host[:port]`; throws InvalidArgumentError naming what is wrong. */
export function parseProxy(value: string): ProxySpec {
  const text = value.trim();
  const bad = (why: string): InvalidArgumentError =>
    new InvalidArgumentError(
      `invalid proxy '${value}': ${why} (expected [type://]host[:port] with type http, socks, socks4, socks4a or socks5)`,
    );
  if (text === '') throw bad('empty value');

  let type: ProxyType = 'http';
  let rest = text;
  const sep = text.indexOf('://');
  if (sep >= 0) {
    const name = text.slice(0, sep).toLowerCase();
    const known = TYPES[name];
    if (known === undefined) throw bad(name === '' ? 'missing proxy type before ://' : `unknown proxy type '${name}'`);
    type = known;
    rest = text.slice(sep + 3);
  }
  // A trailing slash is harmless (people paste URLs); anything after it is not.
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest.includes('@')) throw bad('credentials are not supported');
  if (/[/?#]/.test(rest)) throw bad('a path or query is not allowed');

  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw bad("unterminated '[' in IPv6 address");
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) throw bad(`unexpected '${after}' after IPv6 address`);
      portText = after.slice(1);
    }
    if (isIP(host) !== 6) throw bad(`'${host}' is not an IPv6 address`);
  } else {
    const colon = rest.indexOf(':');
    if (colon >= 0 && rest.indexOf(':', colon + 1) >= 0) throw bad('IPv6 addresses must be written in brackets');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
    if (!/^[A-Za-z0-9._-]+$/.test(host)) throw bad(host === '' ? 'missing host' : `invalid host '${host}'`);
  }
  if (host === '') throw bad('missing host');

  let port = DEFAULT_PROXY_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) throw bad(portText === '' ? "missing port after ':'" : `invalid port '${portText}'`);
    port = Number(portText);
    if (port < 1 || port > 65535) throw bad(`port ${port} out of range 1-65535`);
  }
  return { type, host, port };
}

/** Formats a proxy back into the URI syntax, e.g. for messages (`socks5://[::1]:1080`). */
export function formatProxy(spec: ProxySpec): string {
  const host = isIP(spec.host) === 6 ? `[${spec.host}]` : spec.host;
  return `${spec.type}://${host}:${spec.port}`;
}
