/** Formats `<capabilities>` as libvirt 9.0 does: a blank line before the host and after each block. */
import { XmlWriter } from '../xml/xml-writer.js';
import type { CapabilitiesDef } from './capabilities-def.js';

function indentBlock(xml: string): string {
  return xml
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
}

/** The capabilities as XML text (ends with a newline). */
export function formatCapabilities(c: CapabilitiesDef): string {
  const host = new XmlWriter().open('host').text('uuid', c.uuid).open('cpu').text('arch', c.arch).close('cpu');
  if (c.powerManagement !== undefined) {
    if (c.powerManagement.length === 0) host.empty('power_management');
    else {
      host.open('power_management');
      for (const t of c.powerManagement) host.empty(t);
      host.close('power_management');
    }
  }
  if (c.iommu !== undefined) host.empty('iommu', [['support', c.iommu ? 'yes' : 'no']]);
  if (c.migrationTransports.length > 0) {
    host.open('migration_features').empty('live').open('uri_transports');
    for (const t of c.migrationTransports) host.text('uri_transport', t);
    host.close('uri_transports').close('migration_features');
  }
  host.close('host');
  const blocks = [host.toString()];
  for (const g of c.guests) {
    const w = new XmlWriter()
      .open('guest')
      .text('os_type', g.osType)
      .open('arch', [['name', g.arch]]);
    w.text('wordsize', g.wordsize)
      .empty('domain', [['type', g.domainType]])
      .close('arch')
      .close('guest');
    blocks.push(w.toString());
  }
  return `<capabilities>\n\n${blocks.map(indentBlock).join('\n')}\n</capabilities>\n`;
}
