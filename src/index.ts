/** esxvirt's public library surface. */
export * from './errors.js';
export { VERSION } from './version.js';
export type * from './conf/domain/domain-def.js';
export { newDomain, VMWARE_NS } from './conf/domain/domain-def.js';
export { parseDomainXml } from './conf/domain/parse-domain.js';
export { formatDomain } from './conf/domain/format-domain.js';
export { offlineContext, type VmxContext, type OfflineContextOptions } from './vmx/context.js';
export {
  parseDatastorePath,
  tryParseDatastorePath,
  formatDatastorePath,
  datastoreBaseName,
  datastoreDirName,
  datastoreChildPath,
  vmfsPathOf,
  parseVmfsPath,
  isVmfsPath,
  type DatastorePath,
} from './datastore-path.js';
export { vmxToDomain } from './vmx/vmx-to-domain.js';
export { domainToVmx, domainToVmxLines, type VmxWriteOptions } from './vmx/domain-to-vmx.js';
export { parseVmx, formatVmx, VmxConfig } from './vmx/vmx-text.js';
export {
  escapePercent,
  unescapePercent,
  escapePipe,
  unescapePipe,
  escapeDatastoreItem,
  unescapeDatastoreItem,
  domainNameOf,
  vsphereNameOf,
} from './escape.js';
