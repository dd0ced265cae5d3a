/**
 * What VMware Tools in the guest report: whether they run (guest shutdown and reboot need them, libvirt's ESX driver page), the
 * guest's host name and its network interfaces with their addresses (virsh domhostname, domifaddr).
 */
import { InvalidStateError, OperationError, UnsupportedError } from '../../errors.js';
import { prop, VirtualMachineProps, type GuestNicInfo, type ObjectRecord, type PropPath } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { resolveDomain, type DomainArg } from './resolve.js';

/**
 * The property telling whether tools run, for the server's API version: guest.toolsRunningStatus exists since API
 * 4.0; older hosts only have guest.toolsStatus, and asking them for an unknown property fails the whole retrieve.
 */
export function toolsStatusPath(apiVersion: string): PropPath<string> {
  return compareVersions(apiVersion, '4.0') >= 0 ? VirtualMachineProps.toolsRunningStatus : VirtualMachineProps.toolsStatus;
}

/** Compares dotted version numbers ('4.1' > '4.0.1' > '4'). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True, false, or undefined when the record holds neither tools property. */
export function toolsRunningIn(rec: ObjectRecord): boolean | undefined {
  const running = prop(rec, VirtualMachineProps.toolsRunningStatus);
  if (running !== undefined) return running === 'guestToolsRunning' || running === 'guestToolsExecutingScripts';
  const status = prop(rec, VirtualMachineProps.toolsStatus);
  if (status !== undefined) return status === 'toolsOk' || status === 'toolsOld';
  return undefined;
}

/** virsh domhostname: the host name the guest's tools report. */
export async function getDomainHostname(conn: Connection, domain: DomainArg): Promise<string> {
  const { dom, rec } = await resolveDomain(conn, domain, [VirtualMachineProps.guestHostName]);
  const name = prop(rec, VirtualMachineProps.guestHostName);
  if (name !== undefined && name !== '') return name;
  if (dom.state !== 'running') throw new InvalidStateError('domain is not running');
  throw new OperationError(`the host name of domain '${dom.name}' is unknown: VMware Tools in it do not report one`);
}

/** One address of a guest interface. */
export interface GuestAddress {
  type: 'ipv4' | 'ipv6';
  addr: string;
  /** undefined when the tools report the address without its prefix (guest.net[].ipAddress only). */
  prefix: number | undefined;
}

/** One guest network interface (virsh domifaddr). */
export interface GuestInterface {
  /** The VMX name 'ethernetN' of the virtual NIC, '-' for interfaces no virtual NIC backs (VPNs, bridges). */
  name: string;
  hwaddr: string | undefined;
  /** The port group or network the NIC is attached to, as vSphere reports it. */
  network: string | undefined;
  addrs: GuestAddress[];
}

// ESX keys a VM's virtual NICs 4000 + N for ethernetN; deviceConfigId is that key (-1: no virtual NIC).
const NIC_KEY_BASE = 4000;
const MAX_NICS = 10;

/** The interface name for a guest.net entry's deviceConfigId. */
export function interfaceName(deviceConfigId: number): string {
  const n = deviceConfigId - NIC_KEY_BASE;
  return n >= 0 && n < MAX_NICS ? `ethernet${n}` : '-';
}

/** Converts guest.net to interfaces: addresses with prefixes from ipConfig, else the bare ipAddress list. */
export function interfacesOf(net: readonly GuestNicInfo[]): GuestInterface[] {
  return net.map((nic) => {
    const withPrefix = nic.ipConfig?.ipAddress ?? [];
    const addrs: GuestAddress[] =
      withPrefix.length > 0
        ? withPrefix.map((a) => ({ type: a.ipAddress.includes(':') ? 'ipv6' : 'ipv4', addr: a.ipAddress, prefix: a.prefixLength }))
        : (nic.ipAddress ?? []).map((a) => ({ type: a.includes(':') ? 'ipv6' : 'ipv4', addr: a, prefix: undefined }));
    return { name: interfaceName(nic.deviceConfigId), hwaddr: nic.macAddress?.toLowerCase(), network: nic.network, addrs };
  });
}

/** Where domifaddr's addresses come from; only VMware Tools (virsh's 'agent') exist on ESX. */
export type AddressSource = 'agent' | 'lease' | 'arp';

/** virsh domifaddr: the guest's interfaces and addresses as VMware Tools report them (guest.net). */
export async function getInterfaceAddresses(
  conn: Connection,
  domain: DomainArg,
  opts: { source?: AddressSource } = {},
): Promise<GuestInterface[]> {
  if (opts.source !== undefined && opts.source !== 'agent') {
    throw new UnsupportedError(`address source '${opts.source}' is not available on ESX: only 'agent' (VMware Tools) is`);
  }
  const { dom, rec } = await resolveDomain(conn, domain, [VirtualMachineProps.guestNet]);
  if (dom.state !== 'running') throw new InvalidStateError('domain is not running');
  return interfacesOf(prop(rec, VirtualMachineProps.guestNet) ?? []);
}
