/** Parses `<sysinfo>` XML into a SysinfoDef. */
import { ConfigError } from '../../errors.js';
import { child, childrenNamed, parseXml } from '../xml/xml-reader.js';
import type { SysinfoDef, SysinfoEntries } from './sysinfo-def.js';

/** Parses sysinfo XML; every error names the element at fault. */
export function parseSysinfoXml(text: string): SysinfoDef {
  const root = parseXml(text, 'sysinfo XML');
  if (root.local !== 'sysinfo') throw new ConfigError(`expecting root element <sysinfo> but found <${root.name}>`);
  if (root.attrs.type !== 'smbios') throw new ConfigError(`unsupported sysinfo type '${root.attrs.type ?? ''}': expecting smbios`);
  const def: SysinfoDef = { type: 'smbios' };
  for (const block of ['bios', 'system'] as const) {
    const el = child(root, block);
    if (el === undefined) continue;
    const entries: SysinfoEntries = childrenNamed(el, 'entry').map((e) => {
      const name = e.attrs.name;
      if (name === undefined) throw new ConfigError(`missing attribute 'name' of <${block}><entry>`);
      return [name, e.text];
    });
    def[block] = entries;
  }
  return def;
}
