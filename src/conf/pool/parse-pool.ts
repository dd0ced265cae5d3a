/** Parses `<pool>` XML (pool-dumpxml's output) into a PoolDef. */
import { ConfigError } from '../../errors.js';
import { normalizeUuid, parseInt10, parseUInt } from '../units.js';
import { child, childrenNamed, parseXml, type XmlElement } from '../xml/xml-reader.js';
import type { PoolDef, PoolPermissions, PoolSource, PoolTarget, PoolType } from './pool-def.js';

const TYPES: readonly PoolType[] = ['dir', 'fs', 'netfs', 'iscsi'];

function bytes(root: XmlElement, name: string): number {
  const el = child(root, name);
  if (el === undefined) return 0;
  const unit = el.attrs.unit;
  if (unit !== undefined && unit !== 'bytes' && unit !== 'B' && unit !== 'b')
    throw new ConfigError(`unsupported unit '${unit}' of <${name}>: pool sizes are bytes`);
  return parseUInt(el.text, `<${name}>`) as number;
}

function parseSource(el: XmlElement | undefined): PoolSource {
  const source: PoolSource = {};
  if (el === undefined) return source;
  const hosts = childrenNamed(el, 'host').map((h) => {
    const name = h.attrs.name;
    if (name === undefined || name === '') throw new ConfigError("missing attribute 'name' of <source><host>");
    const port = parseUInt(h.attrs.port, '<source><host> port');
    return port === undefined ? { name } : { name, port };
  });
  if (hosts.length > 0) source.hosts = hosts;
  const dir = child(el, 'dir')?.attrs.path;
  if (dir !== undefined) source.dir = dir;
  const initiator = child(el, 'initiator');
  if (initiator !== undefined) {
    const iqn = child(initiator, 'iqn')?.attrs.name;
    if (iqn === undefined) throw new ConfigError("missing attribute 'name' of <initiator><iqn>");
    source.initiatorIqn = iqn;
  }
  const format = child(el, 'format')?.attrs.type;
  if (format !== undefined) source.format = format;
  return source;
}

function parsePermissions(el: XmlElement): PoolPermissions {
  const mode = child(el, 'mode')?.text.trim() ?? '';
  if (!/^0?[0-7]{1,4}$/.test(mode)) throw new ConfigError(`invalid value '${mode}' of <permissions><mode>: expecting an octal mode`);
  const p: PoolPermissions = {
    mode: parseInt(mode, 8),
    owner: parseInt10(child(el, 'owner')?.text ?? '-1', '<permissions><owner>') as number,
    group: parseInt10(child(el, 'group')?.text ?? '-1', '<permissions><group>') as number,
  };
  const label = child(el, 'label');
  if (label !== undefined) p.label = label.text;
  return p;
}

/** Parses pool XML; every error names the element at fault. */
export function parsePoolXml(text: string): PoolDef {
  const root = parseXml(text, 'storage pool XML');
  if (root.local !== 'pool') throw new ConfigError(`expecting root element <pool> but found <${root.name}>`);
  const type = root.attrs.type as PoolType | undefined;
  if (type === undefined || !TYPES.includes(type))
    throw new ConfigError(`unsupported storage pool type '${root.attrs.type ?? ''}': ESX pools are ${TYPES.join(', ')}`);
  const name = child(root, 'name')?.text.trim();
  if (name === undefined || name === '') throw new ConfigError('missing element <name> of <pool>');
  let def: PoolDef = {
    type,
    name,
    capacity: bytes(root, 'capacity'),
    allocation: bytes(root, 'allocation'),
    available: bytes(root, 'available'),
    source: parseSource(child(root, 'source')),
  };
  const uuid = child(root, 'uuid');
  if (uuid !== undefined) def = withUuid(def, normalizeUuid(uuid.text, '<uuid>'));
  const target = child(root, 'target');
  if (target !== undefined) {
    const t: PoolTarget = {};
    const path = child(target, 'path');
    if (path !== undefined) t.path = path.text.trim();
    const perms = child(target, 'permissions');
    if (perms !== undefined) t.permissions = parsePermissions(perms);
    def.target = t;
  }
  return def;
}

// The model keeps libvirt's element order (name, uuid, sizes …) so JSON fixtures read like the XML.
function withUuid(def: PoolDef, uuid: string): PoolDef {
  const { type, name, ...rest } = def;
  return { type, name, uuid, ...rest };
}
