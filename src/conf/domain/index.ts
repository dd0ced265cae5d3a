/** The `<domain>` document: model, parser and formatter (the subset VMware VMs can hold). */
export type * from './domain-def.js';
export { hasVmwareData, newDomain, VMWARE_NS } from './domain-def.js';
export { parseDomainXml, parseDeviceXml, domainFromElement, MAX_PCI_BRIDGES } from './parse-domain.js';
export { formatDomain, formatCpuset } from './format-domain.js';
export { diskName, diskIndex, requireDiskIndex } from './disk-names.js';
export { addressForIndex, randomVmwareMac } from './parse-domain-devices.js';
