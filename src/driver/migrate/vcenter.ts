/**
 * The vCenter a migration runs on (libvirt's ESX driver page, "Migration"): a vpx:// connection is one; an esx://
 * connection names its vCenter with the `vcenter` parameter (`*`: the one the host reports in
 * summary.managementServerIp), which esxvirt logs into with credentials found as for any host (auth.conf, prompt).
 * Hosts and VMs of esx:// connections are mapped into that vCenter by identity: the host by its hardware UUID (then
 * its address, then its DNS name), the VM by its BIOS UUID.
 */
import { isIP } from 'node:net';
import { InvalidArgumentError, InvalidStateError, NotFoundError, UnsupportedError } from '../../errors.js';
import { HostSystemProps, isMoRef, methods, prop, retrieveOne, VimClient, type MoRef, type VimEvent } from '../../vim25/index.js';
import { getCredentials, type Prompter } from '../connect/auth.js';
import type { Connection } from '../connect/connection.js';
import { defaultUsername, type EsxUri } from '../connect/uri.js';

/** How connections opened on the way (a vCenter named by `vcenter`, the destination) are opened. */
export interface MigrationOpenOptions {
  prompter?: Prompter;
  env?: NodeJS.ProcessEnv;
  debug?: (message: string) => void;
  warn?: (message: string) => void;
}

/** A vCenter session a migration uses: the source's own connection, or one opened for an esx:// end. */
export interface VCenter {
  client: VimClient;
  /** `host[:port]` as connected. */
  target: string;
  /** about.instanceUuid: the same vCenter behind two addresses has one. */
  instanceUuid: string | undefined;
  /** True when this module opened the session (and must close it). */
  owned: boolean;
}

/** The vCenter of a vpx:// connection. */
export function vcenterOf(conn: Connection): VCenter {
  return { client: conn.client, target: conn.client.target, instanceUuid: conn.client.serviceContent.about.instanceUuid, owned: false };
}

/** True when two vCenters are one (same instance UUID, else same address). */
export function sameVCenter(a: VCenter, b: VCenter): boolean {
  if (a.instanceUuid !== undefined && b.instanceUuid !== undefined) return a.instanceUuid === b.instanceUuid;
  return a.target === b.target;
}

/** Refuses connections that cannot take part in a migration, with the reason. */
export function requireMigratable(uri: EsxUri): void {
  if (uri.scheme === 'gsx') throw new UnsupportedError(`migration is not possible with VMware GSX/Server (${uri.text}): it has no vCenter`);
  if (uri.scheme === 'esx' && uri.vcenter === undefined) {
    throw new InvalidArgumentError(
      `a migration needs a vCenter: ${uri.text} names none; add ?vcenter=HOST (or ?vcenter=* for the one managing ${uri.host})`,
    );
  }
}

/** Splits `host[:port]` of the vcenter parameter (the port is esxvirt's extension; libvirt uses the host's port). */
function splitTarget(value: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(value) ?? /^([^:]+)(?::(\d+))?$/.exec(value);
  if (m === null) throw new InvalidArgumentError(`query parameter 'vcenter' has an invalid value '${value}': expecting a hostname or '*'`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!(port >= 1 && port <= 65535)) throw new InvalidArgumentError(`invalid port in vcenter '${value}'`);
  return { host: m[1] as string, port };
}

/**
 * The vCenter managing the host of esx:// connection `conn`, logged into: `vcenter=*` takes the address the host
 * reports; a named vCenter must match it when the host reports one (libvirt's check).
 */
export async function openHostVCenter(conn: Connection, opts: MigrationOpenOptions = {}): Promise<VCenter> {
  requireMigratable(conn.uri);
  const ctx = await conn.ready();
  const rec = await retrieveOne(conn.client, ctx.hostSystem, [HostSystemProps.managementServerIp]);
  const reported = prop(rec, HostSystemProps.managementServerIp) || undefined;
  const wanted = conn.uri.vcenter as string;
  let target: { host: string; port: number };
  if (wanted === '*') {
    if (reported === undefined) {
      throw new InvalidStateError(
        `host ${conn.uri.host} is not managed by a vCenter (it reports no management server): vcenter=* finds none`,
      );
    }
    target = { host: reported, port: conn.uri.port };
  } else {
    target = splitTarget(wanted, conn.uri.port);
    if (reported !== undefined && reported !== target.host) {
      const addresses = isIP(target.host) ? [target.host] : await resolveAll(target.host);
      if (!addresses.includes(reported)) {
        throw new InvalidArgumentError(
          `host ${conn.uri.host} is managed by the vCenter at ${reported}, but vcenter=${wanted} (${addresses.join(', ') || 'unresolved'}) was given`,
        );
      }
    }
  }
  return connectVCenter(conn.uri, target, opts);
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    // Imported here: the bundled CLI would otherwise load node:dns/promises at every start.
    const { lookup } = await import('node:dns/promises');
    return (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return [];
  }
}

/** Logs into a vCenter with the TLS, proxy and auth settings of `uri` (not its thumbprint: that pins the host). */
export async function connectVCenter(uri: EsxUri, target: { host: string; port: number }, opts: MigrationOpenOptions): Promise<VCenter> {
  const creds = await getCredentials({
    host: target.host,
    defaultUsername: defaultUsername('vcenter'),
    ...(uri.authFile !== undefined ? { authFile: uri.authFile } : {}),
    ...(opts.prompter !== undefined ? { prompter: opts.prompter } : {}),
    ...(opts.env !== undefined ? { env: opts.env } : {}),
  });
  const hostPart = target.host.includes(':') ? `[${target.host}]` : target.host;
  const debug = opts.debug;
  const client = await VimClient.connect({
    url: `${uri.transport}://${hostPart}:${target.port}/sdk`,
    username: creds.username,
    password: creds.password,
    noVerify: uri.noVerify,
    autoAnswer: uri.autoAnswer,
    ...(uri.proxy ? { proxy: uri.proxy } : {}),
    ...(uri.caFile ? { caFile: uri.caFile } : {}),
    ...(debug ? { onEvent: (e: VimEvent) => debug(`vCenter ${target.host}: ${e.type}${'method' in e ? ` ${e.method}` : ''}`) } : {}),
  });
  if (!client.isVCenter) {
    await client.close().catch(() => undefined);
    throw new InvalidArgumentError(
      `${target.host} named as the vCenter of ${uri.host} is not a vCenter but ${client.serviceContent.about.fullName}`,
    );
  }
  debug?.(`migration: logged into vCenter ${client.target} (${client.serviceContent.about.fullName})`);
  return { client, target: client.target, instanceUuid: client.serviceContent.about.instanceUuid, owned: true };
}

/** The HostSystem of vCenter `vc` that is the host of esx:// connection `conn`. */
export async function mapHost(vc: VCenter, conn: Connection): Promise<{ ref: MoRef<'HostSystem'>; name: string }> {
  const ctx = await conn.ready();
  const si = requireSearchIndex(vc.client);
  const rec = await retrieveOne(conn.client, ctx.hostSystem, [HostSystemProps.hardwareUuid]);
  const uuid = prop(rec, HostSystemProps.hardwareUuid);
  let found: MoRef<'ManagedEntity'> | undefined;
  if (uuid) found = await methods.FindByUuid(vc.client.soap, si, { uuid, vmSearch: false });
  if (found === undefined) {
    for (const ip of isIP(conn.uri.host) ? [conn.uri.host] : await resolveAll(conn.uri.host)) {
      found = await methods.FindByIp(vc.client.soap, si, { ip, vmSearch: false });
      if (found !== undefined) break;
    }
  }
  found ??= await methods.FindByDnsName(vc.client.soap, si, { dnsName: conn.uri.host, vmSearch: false });
  if (found === undefined || !isMoRef(found, 'HostSystem')) {
    throw new NotFoundError(`host ${conn.uri.host}${uuid ? ` (hardware UUID ${uuid})` : ''} is not managed by vCenter ${vc.target}`);
  }
  const name = prop(await retrieveOne(vc.client, found, [HostSystemProps.name]), HostSystemProps.name) ?? found.value;
  return { ref: found, name };
}

/** The VM of vCenter `vc` with BIOS UUID `uuid` (a domain of an esx:// connection). */
export async function mapVm(vc: VCenter, uuid: string, name: string): Promise<MoRef<'VirtualMachine'>> {
  const si = requireSearchIndex(vc.client);
  const ref = await methods.FindByUuid(vc.client.soap, si, { uuid, vmSearch: true, instanceUuid: false });
  if (ref === undefined || !isMoRef(ref, 'VirtualMachine')) {
    throw new NotFoundError(`domain '${name}' (UUID ${uuid}) is not known to vCenter ${vc.target}`);
  }
  return ref;
}

function requireSearchIndex(client: VimClient): MoRef<'SearchIndex'> {
  const si = client.serviceContent.searchIndex;
  if (si === undefined) throw new NotFoundError(`${client.target} offers no SearchIndex`);
  return si;
}
