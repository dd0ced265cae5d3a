/** Domains: lookup, listing, information, lifecycle, tuning, guest information, XML, define and undefine. */
export { lookupDomain, listDomainRefs, domainRefOf, stateOf, DOMAIN_REF_PATHS, type DomainRef, type DomainState } from './ref.js';
export { resolveDomain, isActiveState, type DomainArg } from './resolve.js';
export { listDomains, compareDomains, type ListFilter } from './list.js';
export { getDomainInfo, getDomainState, stateReason, type DomainInfo, type DomainStateInfo } from './info.js';
export {
  startDomain,
  shutdownDomain,
  rebootDomain,
  resetDomain,
  destroyDomain,
  suspendDomain,
  resumeDomain,
  STATE_RULES,
  type LifecycleOp,
} from './lifecycle.js';
export {
  setMemory,
  setMaxMemory,
  setVcpus,
  parseSizeKiB,
  type ModifyFlags,
  type VcpuOptions,
  type MemoryChange,
  type VcpuChange,
} from './tuning.js';
export {
  getSchedulerParams,
  setSchedulerParams,
  parseSchedulerAssignments,
  SCHEDULER_FIELDS,
  SCHEDULER_TYPE,
  type SchedulerParams,
} from './sched.js';
export { getAutostart, setAutostart, readAutostart } from './autostart.js';
export { getDomainHostname, getInterfaceAddresses, type AddressSource, type GuestAddress, type GuestInterface } from './guest.js';
export {
  readDomainXml,
  domainToNativeVmx,
  domainFromNativeVmx,
  defaultVirtualHwVersion,
  hostDatastores,
  type ConvertOptions,
  type DomainXmlResult,
} from './xml.js';
export { defineDomain, undefineDomain, vmxLocation, type DefineOptions, type DefineResult } from './define.js';
export { connectedContext, type ConnectedContextOptions, type DatastoreRef } from './vmx-callbacks.js';
export {
  maxVcpus,
  maxVcpusOfHardware,
  getVcpuCount,
  getMemoryTune,
  setMemoryTune,
  getDescription,
  setDescription,
  type VcpuCount,
  type MemoryTune,
} from './settings.js';
