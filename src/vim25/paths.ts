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
