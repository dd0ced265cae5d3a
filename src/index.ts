/** esxvirt's public library surface. */
export * from './errors.js';
export { VERSION } from './version.js';
export type * from './domain/domain-def.js';
export { newDomain, VMWARE_NS } from './domain/domain-def.js';
export { parseDomainXml } from './domain/parse-domain.js';
export { formatDomain } from './domain/format-domain.js';
export { offlineContext, parseDatastorePath, type VmxContext, type OfflineContextOptions, type DatastorePath } from './vmx/context.js';
export { vmxToDomain } from './vmx/vmx-to-domain.js';
export { domainToVmx, domainToVmxLines, type VmxWriteOptions } from './vmx/domain-to-vmx.js';
export { parseVmx, formatVmx, VmxConfig } from './vmx/vmx-text.js';
export {
  escapePercent, unescapePercent, escapePipe, unescapePipe, escapeDatastoreItem, unescapeDatastoreItem,
} from './vmx/escape.js';
