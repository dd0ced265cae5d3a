/** Parses `<volume>` XML (vol-create's input, vol-dumpxml's output) into a VolumeDef. */
import { ConfigError } from '../../errors.js';
import { child, parseXml, type XmlElement } from '../xml/xml-reader.js';
import { parseScaledBytes } from './scaled-size.js';
import type { VolumeDef, VolumeType } from './volume-def.js';

const TYPES: readonly VolumeType[] = ['file', 'block'];

function size(root: XmlElement, name: string): number | undefined {
  const el = child(root, name);
  return el === undefined ? undefined : parseScaledBytes(el.text, el.attrs.unit, `<${name}>`);
}

/** Parses volume XML; every error names the element at fault. Sizes default to bytes, as libvirt's do. */
export function parseVolumeXml(text: string): VolumeDef {
  const root = parseXml(text, 'storage volume XML');
  if (root.local !== 'volume') throw new ConfigError(`expecting root element <volume> but found <${root.name}>`);
  const type = (root.attrs.type ?? 'file') as VolumeType;
  if (!TYPES.includes(type)) throw new ConfigError(`unsupported volume type '${type}': ESX volumes are ${TYPES.join(', ')}`);
  const name = child(root, 'name')?.text.trim();
  if (name === undefined || name === '') throw new ConfigError('missing element <name> of <volume>');
  const def: Omit<VolumeDef, 'target'> & Partial<Pick<VolumeDef, 'target'>> = { type, name };
  const key = child(root, 'key');
  if (key !== undefined) def.key = key.text.trim();
  const capacity = size(root, 'capacity');
  if (capacity !== undefined) def.capacity = capacity;
  const allocation = size(root, 'allocation');
  if (allocation !== undefined) def.allocation = allocation;
  def.target = {};
  const target = child(root, 'target');
  if (target !== undefined) {
    const path = child(target, 'path');
    if (path !== undefined) def.target.path = path.text.trim();
    const format = child(target, 'format');
    if (format !== undefined) {
      const t = format.attrs.type;
      if (t === undefined || t === '') throw new ConfigError("missing attribute 'type' of <target><format>");
      def.target.format = t;
    }
  }
  const backing = child(root, 'backingStore');
  if (backing !== undefined) def.backingStore = child(backing, 'path')?.text.trim() ?? '';
  return def as VolumeDef;
}
