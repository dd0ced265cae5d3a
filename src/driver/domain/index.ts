/** Domains: lookup, listing, information, lifecycle, tuning, guest information, XML, define and undefine, devices, edit, consoles. */
export {
  lookupDomain,
  listDomainRefs,
  domainRefOf,
  domainRefOfContent,
  stateOf,
  DOMAIN_REF_PATHS,
  type DomainRef,
  type DomainState,
} from './ref.js';
export { resolveDomain, isActiveState, type DomainArg } from './resolve.js';
export { listDomains, compareDomains, strcasecmp, type ListFilter } from './list.js';
export { getDomainInfo, getDomainState, stateReason, usedMemoryKiB, type DomainInfo, type DomainStateInfo } from './info.js';
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
export {
  attachDevice,
  detachDevice,
  updateDevice,
  applyDeviceChange,
  deviceOfXml,
  formatDeviceXml,
  type Change,
  type DeviceChangeResult,
  type DeviceFlags,
} from './devices.js';
export {
  attachDisk,
  detachDisk,
  attachInterface,
  detachInterface,
  changeMedia,
  setInterfaceLink,
  getInterfaceLink,
  diskFromOptions,
  diskSource,
  interfaceFromOptions,
  type AttachDiskOptions,
  type AttachInterfaceOptions,
  type MediaAction,
} from './disks-nics.js';
export {
  listBlockDevices,
  listDomainInterfaces,
  getBlockInfo,
  type BlockInfo,
  type BlockListEntry,
  type InterfaceListEntry,
} from './device-lists.js';
export { beginEdit, finishEdit, type EditResult, type EditSession } from './edit.js';
export {
  getVncInfo,
  enableVnc,
  usedVncPorts,
  takeScreenshot,
  defaultScreenshotName,
  VNC_PORT_MIN,
  VNC_PORT_MAX,
  type ScreenshotResult,
  type VncEnableOptions,
  type VncInfo,
} from './consoles.js';
export { checkGuestId, guestDescriptor, guestDescriptors } from './guest-os.js';
export { applyConfigSpec, checkLiveChange, type ApplyOptions } from './reconfigure.js';
export { readVmConfig, rereadVmConfig, VM_CONFIG_VIEW_PATHS, type VmConfig } from './vm-config.js';
