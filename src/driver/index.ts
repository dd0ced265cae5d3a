/** The driver's public surface (`import … from 'esxvirt/driver'`): libvirt's API for ESX, GSX and vCenter. */
export { Connection, type OpenOptions } from './connection.js';
export { parseUri, formatUri, isEsxUri, defaultUsername, type EsxUri, type Scheme } from './uri.js';
export { getCredentials, parseAuthConf, authConfPath, type Credentials, type Prompter } from './auth.js';
export { lookupDomain, listDomainRefs, domainNameOf, vsphereNameOf, type DomainRef, type DomainState } from './domain-ref.js';
export { listDomains, type ListFilter } from './domain-list.js';
export { getDomainInfo, getDomainState, type DomainInfo, type DomainStateInfo } from './domain-info.js';
export { startDomain, shutdownDomain, rebootDomain, resetDomain, destroyDomain, suspendDomain, resumeDomain } from './domain-lifecycle.js';
export { setMemory, setMaxMemory, setVcpus, parseSizeKiB, type ModifyFlags, type VcpuOptions } from './domain-tuning.js';
export { getSchedulerParams, setSchedulerParams, type SchedulerParams } from './domain-sched.js';
export { getAutostart, setAutostart } from './domain-autostart.js';
export { getHostname as getDomainHostname, getInterfaceAddresses, type GuestInterface } from './guest.js';
export { readDomainXml, domainToNativeVmx, domainFromNativeVmx, defaultVirtualHwVersion, type DomainXmlResult } from './domain-xml.js';
export { defineDomain, undefineDomain, type DefineOptions, type DefineResult } from './domain-define.js';
export {
  listSnapshots, getSnapshot, currentSnapshot, createSnapshot, revertSnapshot, deleteSnapshot, formatSnapshotXml, type DomainSnapshot,
} from './snapshot.js';
export {
  getNodeInfo, getCapabilities, formatCapabilities, getSysinfo, formatSysinfo, getHostname, getFreeMemory, getMemoryStats, getCpuStats,
  serverVersion, type NodeInfo, type ServerVersion,
} from './host.js';
export { connectedContext, type DatastoreRef } from './vmx-callbacks.js';
