/** Formats `<pool>` as libvirt 9.0 formats it (virStoragePoolDefFormat's element order and layout). */
import { XmlWriter } from '../xml/xml-writer.js';
import type { PoolDef } from './pool-def.js';

/** The pool as XML text (ends with a newline). */
export function formatPoolXml(def: PoolDef): string {
  const w = new XmlWriter();
  w.open('pool', [['type', def.type]]);
  w.text('name', def.name);
  if (def.uuid !== undefined) w.text('uuid', def.uuid);
  w.text('capacity', def.capacity, [['unit', 'bytes']]);
  w.text('allocation', def.allocation, [['unit', 'bytes']]);
  w.text('available', def.available, [['unit', 'bytes']]);
  const s = def.source;
  w.open('source');
  for (const h of s.hosts ?? [])
    w.empty('host', [
      ['name', h.name],
      ['port', h.port],
    ]);
  if (s.dir !== undefined) w.empty('dir', [['path', s.dir]]);
  if (s.initiatorIqn !== undefined)
    w.open('initiator')
      .empty('iqn', [['name', s.initiatorIqn]])
      .close('initiator');
  if (s.format !== undefined) w.empty('format', [['type', s.format]]);
  w.close('source');
  if (def.target !== undefined) {
    const t = def.target;
    w.open('target');
    if (t.path !== undefined) w.text('path', t.path);
    if (t.permissions !== undefined) {
      const p = t.permissions;
      w.open('permissions');
      w.text('mode', `0${p.mode.toString(8)}`);
      w.text('owner', p.owner);
      w.text('group', p.group);
      if (p.label !== undefined) w.text('label', p.label);
      w.close('permissions');
    }
    w.close('target');
  }
  w.close('pool');
  return w.toString();
}
