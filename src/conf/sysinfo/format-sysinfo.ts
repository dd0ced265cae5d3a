/** Formats `<sysinfo>` as libvirt does. */
import { XmlWriter } from '../xml/xml-writer.js';
import type { SysinfoDef } from './sysinfo-def.js';

/** The sysinfo as XML text (ends with a newline). */
export function formatSysinfo(s: SysinfoDef): string {
  const w = new XmlWriter().open('sysinfo', [['type', s.type]]);
  for (const block of ['bios', 'system'] as const) {
    const entries = s[block];
    if (entries === undefined) continue;
    w.open(block);
    for (const [name, value] of entries) w.text('entry', value, [['name', name]]);
    w.close(block);
  }
  return w.close('sysinfo').toString();
}
