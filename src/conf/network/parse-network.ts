/** Parses `<network>` XML (net-define's input, net-update's `<portgroup>`) into a NetworkDef. */
import { ConfigError } from '../../errors.js';
import { normalizeUuid, parseUInt } from '../units.js';
import { child, childrenNamed, parseXml, type XmlElement } from '../xml/xml-reader.js';
import { NETWORK_ESX_NS, type BandwidthDef, type BandwidthRate, type NetworkDef, type PortgroupDef, type VlanDef } from './network-def.js';

// Elements libvirt's network XML has that a vSphere switch cannot carry; the driver refuses them by name.
const UNSUPPORTED = ['ip', 'dns', 'domain', 'mac', 'route', 'dnsmasq:options', 'virtualport', 'port'];

function yesNo(value: string | undefined, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'yes') return true;
  if (value === 'no') return false;
  throw new ConfigError(`invalid value '${value}' of ${what}: expecting yes or no`);
}

function rate(el: XmlElement | undefined, what: string): BandwidthRate | undefined {
  if (el === undefined) return undefined;
  const r: BandwidthRate = {};
  for (const k of ['average', 'peak', 'burst'] as const) {
    const v = parseUInt(el.attrs[k], `attribute '${k}' of ${what}`);
    if (v !== undefined) r[k] = v;
  }
  if (r.average === undefined) throw new ConfigError(`missing attribute 'average' of ${what}`);
  return r;
}

function bandwidth(parent: XmlElement, where: string): BandwidthDef | undefined {
  const el = child(parent, 'bandwidth');
  if (el === undefined) return undefined;
  const b: BandwidthDef = {};
  const inbound = rate(child(el, 'inbound'), `${where}<bandwidth><inbound>`);
  const outbound = rate(child(el, 'outbound'), `${where}<bandwidth><outbound>`);
  if (inbound) b.inbound = inbound;
  if (outbound) b.outbound = outbound;
  return b;
}

function vlan(parent: XmlElement, where: string): VlanDef | undefined {
  const el = child(parent, 'vlan');
  if (el === undefined) return undefined;
  const tags = childrenNamed(el, 'tag').map((t) => {
    const id = parseUInt(t.attrs.id, `attribute 'id' of ${where}<vlan><tag>`);
    if (id === undefined) throw new ConfigError(`missing attribute 'id' of ${where}<vlan><tag>`);
    if (id > 4095) throw new ConfigError(`invalid VLAN id ${id} in ${where}<vlan>: expecting 0 to 4095`);
    const mode = t.attrs.nativeMode;
    if (mode !== undefined && mode !== 'tagged' && mode !== 'untagged')
      throw new ConfigError(`invalid nativeMode '${mode}' of ${where}<vlan><tag>: expecting tagged or untagged`);
    return mode === undefined ? { id } : { id, nativeMode: mode as 'tagged' | 'untagged' };
  });
  if (tags.length === 0) throw new ConfigError(`${where}<vlan> has no <tag id='…'/>`);
  const v: VlanDef = { tags };
  const trunk = yesNo(el.attrs.trunk, `attribute 'trunk' of ${where}<vlan>`);
  if (trunk === false && tags.length > 1) throw new ConfigError(`${where}<vlan trunk='no'> has several tags`);
  if (trunk) v.trunk = true;
  return v;
}

/** Parses one `<portgroup>` element. */
export function portgroupFromElement(el: XmlElement): PortgroupDef {
  const name = el.attrs.name;
  if (name === undefined || name.trim() === '') throw new ConfigError("missing attribute 'name' of <portgroup>");
  const where = `<portgroup name='${name}'>`;
  const pg: PortgroupDef = { name };
  const isDefault = yesNo(el.attrs.default, `attribute 'default' of ${where}`);
  if (isDefault) pg.isDefault = true;
  const v = vlan(el, where);
  if (v) pg.vlan = v;
  const b = bandwidth(el, where);
  if (b) pg.bandwidth = b;
  const sec = el.children.find((c) => c.local === 'security' && c.uri === NETWORK_ESX_NS);
  if (sec !== undefined) {
    pg.security = {};
    for (const k of ['allowPromiscuous', 'macChanges', 'forgedTransmits'] as const) {
      const b2 = yesNo(sec.attrs[k], `attribute '${k}' of ${where}<security>`);
      if (b2 !== undefined) pg.security[k] = b2;
    }
  }
  return pg;
}

/** Parses a `<portgroup>` document (net-update's XML argument). */
export function parsePortgroupXml(text: string): PortgroupDef {
  const root = parseXml(text, 'port group XML');
  if (root.local !== 'portgroup') throw new ConfigError(`expecting root element <portgroup> but found <${root.name}>`);
  return portgroupFromElement(root);
}

/** Parses network XML; every error names the element at fault. */
export function parseNetworkXml(text: string): NetworkDef {
  const root = parseXml(text, 'network XML');
  if (root.local !== 'network') throw new ConfigError(`expecting root element <network> but found <${root.name}>`);
  const nameEl = child(root, 'name');
  if (nameEl === undefined) throw new ConfigError('missing element <name> of <network>');
  const name = nameEl.text.trim();
  if (name === '') throw new ConfigError('element <name> of <network> is empty');
  if (name.includes('/')) throw new ConfigError(`name '${name}' of <network> cannot contain '/'`);
  const def: NetworkDef = { name, portgroups: [] };
  const uuid = child(root, 'uuid');
  if (uuid !== undefined) def.uuid = normalizeUuid(uuid.text, '<network><uuid>');
  const fwd = child(root, 'forward');
  if (fwd !== undefined) {
    const interfaces = childrenNamed(fwd, 'interface').map((i) => {
      const dev = i.attrs.dev;
      if (dev === undefined || dev === '') throw new ConfigError("missing attribute 'dev' of <forward><interface>");
      return dev;
    });
    const dev = fwd.attrs.dev;
    if (dev !== undefined && interfaces.length === 0) interfaces.push(dev);
    else if (dev !== undefined && interfaces[0] !== dev)
      throw new ConfigError(`<forward dev='${dev}'> must name the first <interface dev='…'/> ('${interfaces[0]}')`);
    def.forward = { mode: fwd.attrs.mode ?? 'nat', interfaces };
  }
  const bridge = child(root, 'bridge');
  if (bridge?.attrs.name !== undefined) def.bridge = bridge.attrs.name;
  const mtu = child(root, 'mtu');
  if (mtu !== undefined) {
    const size = parseUInt(mtu.attrs.size, "attribute 'size' of <mtu>");
    if (size === undefined) throw new ConfigError("missing attribute 'size' of <mtu>");
    def.mtu = size;
  }
  const b = bandwidth(root, '');
  if (b) def.bandwidth = b;
  const seen = new Set<string>();
  for (const el of childrenNamed(root, 'portgroup')) {
    const pg = portgroupFromElement(el);
    if (seen.has(pg.name)) throw new ConfigError(`two port groups named '${pg.name}' in network '${name}'`);
    seen.add(pg.name);
    def.portgroups.push(pg);
  }
  if (def.portgroups.filter((p) => p.isDefault).length > 1) throw new ConfigError(`network '${name}' has several default port groups`);
  const unsupported = root.children.map((c) => c.name).filter((n) => UNSUPPORTED.includes(n));
  if (unsupported.length > 0) def.unsupported = [...new Set(unsupported)];
  return def;
}
