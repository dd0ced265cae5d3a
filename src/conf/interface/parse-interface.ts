/** Parses an ethernet `<interface>` document (iface-dumpxml's output) into a HostInterfaceDef. */
import { ConfigError } from '../../errors.js';
import { parseUInt } from '../units.js';
import { child, childrenNamed, parseXml } from '../xml/xml-reader.js';
import type { HostInterfaceDef, InterfaceProtocol } from './interface-def.js';

const START_MODES = ['onboot', 'none', 'hotplug'] as const;

/** Parses interface XML; only type 'ethernet' (what an ESX host's physical NIC is). */
export function parseInterfaceXml(text: string): HostInterfaceDef {
  const root = parseXml(text, 'interface XML');
  if (root.local !== 'interface') throw new ConfigError(`expecting root element <interface> but found <${root.name}>`);
  if (root.attrs.type !== 'ethernet')
    throw new ConfigError(`unsupported interface type '${root.attrs.type ?? ''}': ESX hosts have ethernet interfaces only`);
  const name = root.attrs.name;
  if (name === undefined || name === '') throw new ConfigError("missing attribute 'name' of <interface>");
  const def: HostInterfaceDef = { type: 'ethernet', name, protocols: [] };
  const start = child(root, 'start');
  if (start !== undefined) {
    const mode = start.attrs.mode as (typeof START_MODES)[number] | undefined;
    if (mode === undefined || !START_MODES.includes(mode))
      throw new ConfigError(`invalid attribute 'mode' of <start>: expecting one of ${START_MODES.join(', ')}`);
    def.startMode = mode;
  }
  const mac = child(root, 'mac');
  if (mac?.attrs.address !== undefined) def.mac = mac.attrs.address;
  const link = child(root, 'link');
  if (link !== undefined) {
    def.link = {};
    const speed = parseUInt(link.attrs.speed, "attribute 'speed' of <link>");
    if (speed !== undefined) def.link.speed = speed;
    if (link.attrs.state !== undefined) def.link.state = link.attrs.state;
  }
  const mtu = child(root, 'mtu');
  if (mtu !== undefined) {
    const size = parseUInt(mtu.attrs.size, "attribute 'size' of <mtu>");
    if (size !== undefined) def.mtu = size;
  }
  for (const p of childrenNamed(root, 'protocol')) {
    const family = p.attrs.family;
    if (family !== 'ipv4' && family !== 'ipv6') throw new ConfigError(`invalid attribute 'family' of <protocol>: expecting ipv4 or ipv6`);
    const proto: InterfaceProtocol = { family, ips: [] };
    if (child(p, 'dhcp') !== undefined) proto.dhcp = true;
    for (const ip of childrenNamed(p, 'ip')) {
      if (ip.attrs.address === undefined) throw new ConfigError("missing attribute 'address' of <protocol><ip>");
      const prefix = parseUInt(ip.attrs.prefix, "attribute 'prefix' of <protocol><ip>");
      proto.ips.push(prefix === undefined ? { address: ip.attrs.address } : { address: ip.attrs.address, prefix });
    }
    def.protocols.push(proto);
  }
  return def;
}
