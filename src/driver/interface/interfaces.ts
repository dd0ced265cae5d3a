/**
 * Host interfaces as libvirt's ESX driver shows them (esx_interface_driver): each physical NIC of the connection's
 * host is an ethernet interface, always active, started on boot, with its MAC address and IPv4 configuration.
 * esxvirt adds the link state and speed, and looks interfaces up by name and by MAC correctly (libvirt 9.0 compares
 * a name against MACs, so virsh cannot show an ESX host's interfaces at all).
 */
import { NotFoundError } from '../../errors.js';
import type { HostInterfaceDef } from '../../conf/index.js';
import type { PhysicalNic } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { readHostNetwork } from '../network/host-view.js';

/** A host interface (physical NIC). */
export interface HostInterface {
  name: string;
  mac: string;
  /** ESX's physical NICs are always active (libvirt's ESX driver). */
  active: true;
  /** Link up with its speed in Mbit/s, or down. */
  link: { state: 'up' | 'down'; speedMb?: number; duplex?: boolean };
  driver?: string;
  pci?: string;
}

/** libvirt's prefix length of a dotted subnet mask (pure); undefined for a malformed mask. */
export function prefixOfMask(mask: string): number | undefined {
  const parts = mask.split('.').map((p) => Number(p));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const bits = parts.map((p) => p.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
}

/** The interface of a physical NIC (pure). */
export function interfaceOfNic(n: PhysicalNic): HostInterface {
  const i: HostInterface = {
    name: n.device,
    mac: n.mac,
    active: true,
    link: n.linkSpeed ? { state: 'up', speedMb: n.linkSpeed.speedMb, duplex: n.linkSpeed.duplex } : { state: 'down' },
  };
  if (n.driver) i.driver = n.driver;
  if (n.pci) i.pci = n.pci;
  return i;
}

/** The `<interface>` of a physical NIC (pure): libvirt's ESX layout plus `<link>`. */
export function interfaceDefOfNic(n: PhysicalNic): HostInterfaceDef {
  const def: HostInterfaceDef = { type: 'ethernet', name: n.device, startMode: 'onboot', mac: n.mac, protocols: [] };
  def.link = n.linkSpeed ? { speed: n.linkSpeed.speedMb, state: 'up' } : { state: 'down' };
  const ip = n.spec?.ip;
  if (ip !== undefined) {
    const proto: HostInterfaceDef['protocols'][number] = { family: 'ipv4', ips: [] };
    if (ip.dhcp) proto.dhcp = true;
    if (ip.ipAddress && ip.subnetMask) {
      const prefix = prefixOfMask(ip.subnetMask);
      proto.ips.push(prefix === undefined ? { address: ip.ipAddress } : { address: ip.ipAddress, prefix });
    }
    def.protocols.push(proto);
  }
  return def;
}

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Finds a NIC by device name, or by MAC address (any case) when the argument is one (pure). */
export function findNic(nics: readonly PhysicalNic[], nameOrMac: string): PhysicalNic {
  const byName = nics.find((n) => n.device === nameOrMac);
  if (byName) return byName;
  if (MAC_RE.test(nameOrMac)) {
    const byMac = nics.find((n) => n.mac.toLowerCase() === nameOrMac.toLowerCase());
    if (byMac) return byMac;
  }
  throw new NotFoundError(
    `no interface with name or MAC address '${nameOrMac}' (interfaces: ${nics.map((n) => n.device).join(', ') || 'none'})`,
  );
}

async function nics(conn: Connection): Promise<PhysicalNic[]> {
  return (await readHostNetwork(conn)).pnics;
}

/** The host's interfaces (virsh iface-list; all active). */
export async function listInterfaces(conn: Connection): Promise<HostInterface[]> {
  return (await nics(conn)).map(interfaceOfNic);
}

/** One interface by name or MAC (virsh iface-mac, iface-name). */
export async function lookupInterface(conn: Connection, nameOrMac: string): Promise<HostInterface> {
  return interfaceOfNic(findNic(await nics(conn), nameOrMac));
}

/** An interface's definition (virsh iface-dumpxml). */
export async function getInterfaceDef(conn: Connection, nameOrMac: string): Promise<HostInterfaceDef> {
  return interfaceDefOfNic(findNic(await nics(conn), nameOrMac));
}
