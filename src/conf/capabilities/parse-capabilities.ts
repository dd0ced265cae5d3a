/** Parses `<capabilities>` XML into a CapabilitiesDef (the parts an ESX host has). */
import { ConfigError } from '../../errors.js';
import { child, childrenNamed, parseXml } from '../xml/xml-reader.js';
import type { CapabilitiesDef, GuestCapability } from './capabilities-def.js';

const ARCHES = ['i686', 'x86_64'] as const;

function arch(text: string | undefined, what: string): 'i686' | 'x86_64' {
  const v = (text ?? '').trim();
  if (!(ARCHES as readonly string[]).includes(v)) throw new ConfigError(`invalid ${what} '${v}': expecting i686 or x86_64`);
  return v as 'i686' | 'x86_64';
}

/** Parses capabilities XML; every error names the element at fault. */
export function parseCapabilitiesXml(text: string): CapabilitiesDef {
  const root = parseXml(text, 'capabilities XML');
  if (root.local !== 'capabilities') throw new ConfigError(`expecting root element <capabilities> but found <${root.name}>`);
  const host = child(root, 'host');
  if (host === undefined) throw new ConfigError('missing element <host> of <capabilities>');
  const cpu = child(host, 'cpu');
  const def: CapabilitiesDef = {
    uuid: child(host, 'uuid')?.text.trim() ?? '',
    arch: arch(cpu && child(cpu, 'arch')?.text, '<host><cpu><arch>'),
    migrationTransports: [],
    guests: [],
  };
  const pm = child(host, 'power_management');
  if (pm !== undefined) def.powerManagement = pm.children.map((c) => c.local);
  const iommu = child(host, 'iommu');
  if (iommu !== undefined) def.iommu = iommu.attrs.support === 'yes';
  const mig = child(host, 'migration_features');
  const transports = mig && child(mig, 'uri_transports');
  if (transports !== undefined) def.migrationTransports = childrenNamed(transports, 'uri_transport').map((t) => t.text.trim());
  for (const g of childrenNamed(root, 'guest')) {
    const a = child(g, 'arch');
    if (a === undefined) throw new ConfigError('missing element <arch> of <guest>');
    const osType = child(g, 'os_type')?.text.trim();
    if (osType !== 'hvm') throw new ConfigError(`invalid <os_type> '${osType ?? ''}': expecting hvm`);
    const wordsize = Number(child(a, 'wordsize')?.text.trim());
    if (wordsize !== 32 && wordsize !== 64) throw new ConfigError('invalid <wordsize>: expecting 32 or 64');
    const guest: GuestCapability = {
      osType,
      arch: arch(a.attrs.name, "attribute 'name' of <arch>"),
      wordsize,
      domainType: child(a, 'domain')?.attrs.type ?? '',
    };
    def.guests.push(guest);
  }
  return def;
}
