/** The `<domain>` document: model, parser and formatter (the subset VMware VMs can hold). */
export type * from './domain-def.js';
export { newDomain, VMWARE_NS } from './domain-def.js';
export { parseDomainXml, parseDeviceXml, domainFromElement } from './parse-domain.js';
export { formatDomain, formatCpuset } from './format-domain.js';
export { diskName, diskIndex, requireDiskIndex } from './disk-names.js';
export { addressForIndex, randomVmwareMac } from './parse-domain-devices.js';
