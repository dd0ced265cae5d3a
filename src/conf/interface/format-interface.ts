/** Formats `<interface>` as libvirt 9.0's interface formatter writes an ethernet interface. */
import { XmlWriter } from '../xml/xml-writer.js';
import type { HostInterfaceDef } from './interface-def.js';

/** The interface as XML text (ends with a newline). */
export function formatInterfaceXml(def: HostInterfaceDef): string {
  const w = new XmlWriter();
  w.open('interface', [
    ['type', def.type],
    ['name', def.name],
  ]);
  if (def.startMode !== undefined) w.empty('start', [['mode', def.startMode]]);
  if (def.mac !== undefined) w.empty('mac', [['address', def.mac]]);
  if (def.link !== undefined)
    w.empty('link', [
      ['speed', def.link.speed],
      ['state', def.link.state],
    ]);
  if (def.mtu !== undefined) w.empty('mtu', [['size', def.mtu]]);
  for (const p of def.protocols) {
    // like a port group, a protocol keeps its start and end tags when it has nothing inside
    w.open('protocol', [['family', p.family]]);
    if (p.dhcp) w.empty('dhcp');
    for (const ip of p.ips)
      w.empty('ip', [
        ['address', ip.address],
        ['prefix', ip.prefix],
      ]);
    w.close('protocol');
  }
  w.close('interface');
  return w.toString();
}
