/** Formats `<volume>` as libvirt 9.0 formats it (virStorageVolDefFormat: no `<source>` without extents). */
import { XmlWriter } from '../xml/xml-writer.js';
import type { VolumeDef } from './volume-def.js';

/** The volume as XML text (ends with a newline). */
export function formatVolumeXml(def: VolumeDef): string {
  const w = new XmlWriter();
  w.open('volume', [['type', def.type]]);
  w.text('name', def.name);
  if (def.key !== undefined) w.text('key', def.key);
  w.text('capacity', def.capacity ?? 0, [['unit', 'bytes']]);
  w.text('allocation', def.allocation ?? def.capacity ?? 0, [['unit', 'bytes']]);
  w.open('target');
  if (def.target.path !== undefined) w.text('path', def.target.path);
  if (def.target.format !== undefined) w.empty('format', [['type', def.target.format]]);
  w.close('target');
  if (def.backingStore !== undefined) w.open('backingStore').text('path', def.backingStore).close('backingStore');
  w.close('volume');
  return w.toString();
}
