/**
 * Property paths, named once: every retrieval asks only for what it needs, and a typo in a path is a
 * compile error rather than a silently missing property. Paths are vSphere's, verbatim.
 */

/** Properties every managed entity has. */
export const EntityProps = {
  name: 'name',
  parent: 'parent',
  recentTask: 'recentTask',
} as const;

/** VirtualMachine properties. */
export const VmProps = {
  name: 'name',
  parent: 'parent',
  recentTask: 'recentTask',
  powerState: 'runtime.powerState',
  connectionState: 'runtime.connectionState',
  question: 'runtime.question',
  host: 'runtime.host',
  uuid: 'config.uuid',
  instanceUuid: 'config.instanceUuid',
  template: 'config.template',
  vmPathName: 'config.files.vmPathName',
  summaryVmPathName: 'summary.config.vmPathName',
  resourcePool: 'resourcePool',
  datastore: 'datastore',
  summary: 'summary',
  snapshot: 'snapshot',
  guest: 'guest',
} as const;

/** Task properties. */
export const TaskProps = {
  info: 'info',
  state: 'info.state',
  descriptionId: 'info.descriptionId',
  name: 'info.name',
  entity: 'info.entity',
  progress: 'info.progress',
} as const;

/** Folder properties. */
export const FolderProps = {
  name: 'name',
  childEntity: 'childEntity',
} as const;

/** Datacenter properties. */
export const DatacenterProps = {
  name: 'name',
  parent: 'parent',
  vmFolder: 'vmFolder',
  hostFolder: 'hostFolder',
  datastoreFolder: 'datastoreFolder',
  networkFolder: 'networkFolder',
  datastore: 'datastore',
} as const;

/** ComputeResource (and ClusterComputeResource) properties. */
export const ComputeResourceProps = {
  name: 'name',
  host: 'host',
  resourcePool: 'resourcePool',
  datastore: 'datastore',
} as const;

/** HostSystem properties. */
export const HostProps = {
  name: 'name',
  parent: 'parent',
  datastore: 'datastore',
  vm: 'vm',
  summary: 'summary',
  hardware: 'hardware',
  connectionState: 'runtime.connectionState',
  powerState: 'runtime.powerState',
} as const;

/** ResourcePool properties. */
export const ResourcePoolProps = {
  name: 'name',
  owner: 'owner',
  vm: 'vm',
} as const;

/** Datastore properties. */
export const DatastoreProps = {
  name: 'name',
  summary: 'summary',
  url: 'summary.url',
  accessible: 'summary.accessible',
  capacity: 'summary.capacity',
  freeSpace: 'summary.freeSpace',
  type: 'summary.type',
  info: 'info',
  host: 'host',
} as const;

/** SessionManager properties. */
export const SessionManagerProps = {
  currentSession: 'currentSession',
} as const;

/** HostSystem properties of the host information commands (driver/host.ts). */
export const HostInfoProps = {
  name: 'name',
  hardwareSummary: 'summary.hardware',
  quickStats: 'summary.quickStats',
  productVersion: 'summary.config.product.version',
  systemInfo: 'hardware.systemInfo',
  cpuInfo: 'hardware.cpuInfo',
  cpuFeature: 'hardware.cpuFeature',
  memorySize: 'hardware.memorySize',
  numaInfo: 'hardware.numaInfo',
  dnsHostName: 'config.network.dnsConfig.hostName',
  dnsDomainName: 'config.network.dnsConfig.domainName',
} as const;

/** VirtualMachine properties of domain state, lifecycle and tuning (dominfo, setmem, setvcpus, schedinfo, guest info). */
export const VmTuningProps = {
  numCpu: 'config.hardware.numCPU',
  memoryMB: 'config.hardware.memoryMB',
  cpuAllocation: 'config.cpuAllocation',
  memoryAllocation: 'config.memoryAllocation',
  cpuHotAddEnabled: 'config.cpuHotAddEnabled',
  cpuHotRemoveEnabled: 'config.cpuHotRemoveEnabled',
  memoryHotAddEnabled: 'config.memoryHotAddEnabled',
  toolsRunningStatus: 'guest.toolsRunningStatus',
  toolsStatus: 'guest.toolsStatus',
  guestHostName: 'guest.hostName',
  guestNet: 'guest.net',
} as const;

/** HostSystem.configManager members. */
export const HostConfigManagerProps = {
  autoStartManager: 'configManager.autoStartManager',
} as const;

/** HostAutoStartManager properties. */
export const AutoStartManagerProps = {
  config: 'config',
} as const;

/** PerformanceManager properties. */
export const PerfManagerProps = {
  perfCounter: 'perfCounter',
} as const;

/** VirtualMachine configuration read to build domain XML when the VMX file cannot be (dumpxml's fallback). */
export const VmConfigProps = {
  name: 'config.name',
  uuid: 'config.uuid',
  annotation: 'config.annotation',
  guestId: 'config.guestId',
  firmware: 'config.firmware',
  hardware: 'config.hardware',
  cpuAllocation: 'config.cpuAllocation',
  memoryAllocation: 'config.memoryAllocation',
} as const;
