/** Formats `<network>` as libvirt 9.0's formatter writes it (element and attribute order of network_conf.c). */
import { XmlWriter } from '../xml/xml-writer.js';
import { NETWORK_ESX_NS, type BandwidthDef, type NetworkDef, type PortgroupDef, type VlanDef } from './network-def.js';

const yesNo = (b: boolean | undefined): string | undefined => (b === undefined ? undefined : b ? 'yes' : 'no');

function writeVlan(w: XmlWriter, v: VlanDef): void {
  w.open('vlan', [['trunk', v.trunk ? 'yes' : undefined]]);
  for (const t of v.tags)
    w.empty('tag', [
      ['id', t.id],
      ['nativeMode', t.nativeMode],
    ]);
  w.close('vlan');
}

function writeBandwidth(w: XmlWriter, b: BandwidthDef): void {
  w.open('bandwidth');
  for (const [el, r] of [['inbound', b.inbound] as const, ['outbound', b.outbound] as const]) {
    if (r !== undefined)
      w.empty(el, [
        ['average', r.average],
        ['peak', r.peak],
        ['burst', r.burst],
      ]);
  }
  w.close('bandwidth');
}

function writePortgroup(w: XmlWriter, pg: PortgroupDef): void {
  // libvirt always writes the start and end tags of a port group, even when it has no children
  w.open('portgroup', [
    ['name', pg.name],
    ['default', pg.isDefault ? 'yes' : undefined],
  ]);
  if (pg.vlan) writeVlan(w, pg.vlan);
  if (pg.bandwidth) writeBandwidth(w, pg.bandwidth);
  const s = pg.security;
  if (s && (s.allowPromiscuous !== undefined || s.macChanges !== undefined || s.forgedTransmits !== undefined)) {
    w.empty('esx:security', [
      ['xmlns:esx', NETWORK_ESX_NS],
      ['allowPromiscuous', yesNo(s.allowPromiscuous)],
      ['macChanges', yesNo(s.macChanges)],
      ['forgedTransmits', yesNo(s.forgedTransmits)],
    ]);
  }
  w.close('portgroup');
}

/** The network as XML text (ends with a newline). */
export function formatNetworkXml(def: NetworkDef): string {
  const w = new XmlWriter();
  w.open('network');
  w.text('name', def.name);
  if (def.uuid !== undefined) w.text('uuid', def.uuid);
  const f = def.forward;
  if (f !== undefined) {
    // libvirt names the first interface in a dev attribute before the mode
    const attrs: [string, string | undefined][] = [
      ['dev', f.interfaces[0]],
      ['mode', f.mode],
    ];
    if (f.interfaces.length === 0) w.empty('forward', attrs);
    else {
      w.open('forward', attrs);
      for (const dev of f.interfaces) w.empty('interface', [['dev', dev]]);
      w.close('forward');
    }
  }
  if (def.bridge !== undefined) w.empty('bridge', [['name', def.bridge]]);
  if (def.mtu !== undefined) w.empty('mtu', [['size', def.mtu]]);
  if (def.bandwidth) writeBandwidth(w, def.bandwidth);
  for (const pg of def.portgroups) writePortgroup(w, pg);
  w.close('network');
  return w.toString();
}

/** One `<portgroup>` element as text (net-update's XML argument, and tests). */
export function formatPortgroupXml(pg: PortgroupDef): string {
  const w = new XmlWriter();
  writePortgroup(w, pg);
  return w.toString();
}
