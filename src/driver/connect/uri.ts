/**
 * libvirt's ESX driver URIs: `type://[username@]hostname[:port]/[datacenter[/cluster]/server][?params]`
 * with type esx, gsx or vpx and the parameters of libvirt's ESX driver page (libvirt.org/drvesx.html).
 */
import { InvalidArgumentError } from '../../errors.js';
import { parseProxy, type ProxySpec } from '../../soap/proxy.js';

/** The three connection kinds. */
export type Scheme = 'esx' | 'gsx' | 'vpx';

/** A parsed connection URI. */
export interface EsxUri {
  scheme: Scheme;
  username?: string;
  host: string;
  port: number;
  transport: 'https' | 'http';
  /** vpx: path segments naming datacenter (possibly in folders), optional cluster, and host. */
  path: string[];
  /** esx: the vCenter managing this host ('*' = the one the host knows), for migration. */
  vcenter?: string;
  noVerify: boolean;
  autoAnswer: boolean;
  proxy?: ProxySpec;
  /** esxvirt extensions: pin the server certificate or trust a CA file. */
  thumbprint?: string;
  caFile?: string;
  /** libvirt's authfile parameter: an auth.conf to use. */
  authFile?: string;
  /** The URI as given (virsh's `uri` prints it so); it never holds a password (those are refused). */
  text: string;
  /** Query parameters libvirt's ESX driver does not know: ignored, as libvirt does, with a warning. */
  ignoredParams: string[];
}

const DEFAULT_PORTS: Record<Scheme, { https: number; http: number }> = {
  esx: { https: 443, http: 80 },
  vpx: { https: 443, http: 80 },
  gsx: { https: 8333, http: 8222 },
};

const PARAMS = new Set(['transport', 'vcenter', 'no_verify', 'auto_answer', 'proxy', 'thumbprint', 'cafile', 'authfile']);

function flag(name: string, v: string): boolean {
  if (v === '0') return false;
  if (v === '1') return true;
  throw new InvalidArgumentError(`query parameter '${name}' has unexpected value '${v}' (expecting '0' or '1')`);
}

/** True when `uri` names one of our schemes (used to honour LIBVIRT_DEFAULT_URI). */
export function isEsxUri(uri: string): boolean {
  return /^(esx|gsx|vpx):\/\//i.test(uri.trim());
}

/** Parses a connection URI; every mistake is an InvalidArgumentError naming the part at fault. */
export function parseUri(text: string): EsxUri {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`malformed URI '${text}': expecting esx://host, gsx://host or vpx://host/datacenter/host`);
  const scheme = (m[1] as string).toLowerCase();
  if (scheme !== 'esx' && scheme !== 'gsx' && scheme !== 'vpx') {
    const hint = scheme.includes('+') ? ' (the ESX driver is client-side only: no remote transports like esx+ssh)' : '';
    throw new InvalidArgumentError(`unsupported URI scheme '${m[1]}': expecting esx://, gsx:// or vpx://${hint}`);
  }
  const authority = m[2] as string;
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : undefined;
  if (userinfo?.includes(':')) throw new InvalidArgumentError('passwords are not accepted in the URI: use auth.conf or the prompt');
  const { host, portText } = splitHostPort(at >= 0 ? authority.slice(at + 1) : authority, text);
  const uri: EsxUri = {
    scheme,
    host,
    port: 0,
    transport: 'https',
    path: [],
    noVerify: false,
    autoAnswer: false,
    text: '',
    ignoredParams: [],
  };
  if (userinfo !== undefined && userinfo !== '') uri.username = decodeURIComponent(userinfo);

  for (const pair of (m[4] ?? '').split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const name = decodeURIComponent(eq >= 0 ? pair.slice(0, eq) : pair);
    const value = decodeURIComponent(eq >= 0 ? pair.slice(eq + 1) : '');
    if (!PARAMS.has(name)) {
      uri.ignoredParams.push(name);
      continue;
    }
    switch (name) {
      case 'transport':
        if (value !== 'http' && value !== 'https')
          throw new InvalidArgumentError(`query parameter 'transport' has unexpected value '${value}' (expecting 'http' or 'https')`);
        uri.transport = value;
        break;
      case 'vcenter':
        if (scheme !== 'esx') throw new InvalidArgumentError(`query parameter 'vcenter' is only for esx:// connections`);
        if (value === '') throw new InvalidArgumentError("query parameter 'vcenter' needs a hostname or '*'");
        uri.vcenter = value;
        break;
      case 'no_verify':
        uri.noVerify = flag(name, value);
        break;
      case 'auto_answer':
        uri.autoAnswer = flag(name, value);
        break;
      case 'proxy':
        uri.proxy = parseProxy(value);
        break;
      case 'thumbprint':
        uri.thumbprint = value;
        break;
      case 'cafile':
        uri.caFile = value;
        break;
      case 'authfile':
        uri.authFile = value;
        break;
    }
  }
  if (portText !== undefined && portText !== '') {
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535))
      throw new InvalidArgumentError(`invalid port '${portText}' in URI: expecting a number from 1 to 65535`);
    uri.port = port;
  } else {
    uri.port = DEFAULT_PORTS[scheme][uri.transport];
  }
  const segments = (m[3] as string)
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  if (scheme === 'vpx') {
    if (segments.length < 2) {
      throw new InvalidArgumentError(`vpx:// URI '${text}' must name the datacenter and the host: vpx://vcenter/datacenter[/cluster]/host`);
    }
    uri.path = segments;
  } else if (segments.length > 0) {
    throw new InvalidArgumentError(`${scheme}:// URI '${text}' takes no path (a path names a host only in vpx:// URIs)`);
  }
  uri.text = text.trim();
  return uri;
}

/** Known query parameters, for the warning about the others. */
export const KNOWN_URI_PARAMS: readonly string[] = [...PARAMS];

/**
 * Splits `host[:port]`, `[IPv6]` or `[IPv6%25zone][:port]` (RFC 6874 zone identifiers, '%' encoded as %25) and
 * names the part at fault.
 */
function splitHostPort(hostport: string, text: string): { host: string; portText: string | undefined } {
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw new InvalidArgumentError(`invalid IPv6 address in URI '${text}': missing ']'`);
    const literal = hostport.slice(1, close);
    const rest = hostport.slice(close + 1);
    const zoneAt = literal.indexOf('%');
    const addr = zoneAt >= 0 ? literal.slice(0, zoneAt) : literal;
    if (!/^[0-9a-fA-F:.]+$/.test(addr) || !addr.includes(':')) throw new InvalidArgumentError(`invalid IPv6 address '${addr}' in URI`);
    let host = addr;
    if (zoneAt >= 0) {
      const zone = literal.slice(zoneAt);
      if (!/^%25[A-Za-z0-9._~-]+$/.test(zone)) {
        throw new InvalidArgumentError(
          `invalid IPv6 zone '${zone}' in URI: write it as %25 followed by the interface, e.g. [fe80::1%25eth0]`,
        );
      }
      host = `${addr}%${zone.slice(3)}`;
    }
    if (rest !== '' && !rest.startsWith(':'))
      throw new InvalidArgumentError(`unexpected '${rest}' after the IPv6 address in URI '${text}'`);
    return { host, portText: rest === '' ? undefined : rest.slice(1) };
  }
  const colon = hostport.indexOf(':');
  const host = colon >= 0 ? hostport.slice(0, colon) : hostport;
  if (host === '') throw new InvalidArgumentError(`URI '${text}' lacks a hostname`);
  if (!/^[A-Za-z0-9._-]+$/.test(host)) throw new InvalidArgumentError(`invalid hostname '${host}' in URI`);
  return { host, portText: colon >= 0 ? hostport.slice(colon + 1) : undefined };
}

/** The canonical text of a URI (credentials never included). */
export function formatUri(u: EsxUri): string {
  const host = u.host.includes(':') ? `[${u.host.replace('%', '%25')}]` : u.host;
  const defaultPort = DEFAULT_PORTS[u.scheme][u.transport];
  let s = `${u.scheme}://${u.username ? `${encodeURIComponent(u.username)}@` : ''}${host}${u.port !== defaultPort ? `:${u.port}` : ''}/`;
  s += u.path.map((p) => encodeURIComponent(p)).join('/');
  const q: string[] = [];
  if (u.transport === 'http') q.push('transport=http');
  if (u.vcenter) q.push(`vcenter=${encodeURIComponent(u.vcenter)}`);
  if (u.noVerify) q.push('no_verify=1');
  if (u.autoAnswer) q.push('auto_answer=1');
  if (u.proxy) q.push(`proxy=${u.proxy.type}://${u.proxy.host}:${u.proxy.port}`);
  if (u.thumbprint) q.push(`thumbprint=${u.thumbprint}`);
  if (u.caFile) q.push(`cafile=${encodeURIComponent(u.caFile)}`);
  if (u.authFile) q.push(`authfile=${encodeURIComponent(u.authFile)}`);
  return q.length ? `${s}?${q.join('&')}` : s;
}

/** Default user name, as libvirt: root on ESX/GSX, administrator on vCenter. */
export function defaultUsername(scheme: Scheme | 'vcenter'): string {
  return scheme === 'vpx' || scheme === 'vcenter' ? 'administrator' : 'root';
}
