/** Formats `<domainsnapshot>` as libvirt's ESX driver prints it (libvirt 9.0's element order). */
import { XmlWriter } from '../xml/xml-writer.js';
import type { SnapshotDef } from './snapshot-def.js';

/** The snapshot as XML text (ends with a newline). */
export function formatSnapshotXml(def: SnapshotDef): string {
  const w = new XmlWriter();
  w.open('domainsnapshot');
  if (def.name !== undefined) w.text('name', def.name);
  if (def.description !== undefined) w.text('description', def.description);
  if (def.state !== undefined && def.state !== 'nostate') w.text('state', def.state);
  if (def.parent !== undefined) w.open('parent').text('name', def.parent).close('parent');
  if (def.creationTime !== undefined) w.text('creationTime', def.creationTime);
  if (def.memory !== undefined) w.empty('memory', [['snapshot', def.memory]]);
  if (def.domainUuid !== undefined) w.open('domain').text('uuid', def.domainUuid).close('domain');
  w.close('domainsnapshot');
  return w.toString();
}
