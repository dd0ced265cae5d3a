/** Networks: standard vSwitches and distributed switches as libvirt networks, port groups, VLANs on demand. */
export {
  listNetworks,
  lookupNetwork,
  getNetworkDef,
  readNetworkState,
  findNetwork,
  networksOf,
  networkDefOfSwitch,
  networkDefOfDistributed,
  type FoundNetwork,
  type NetworkSummary,
  type NetworkState,
} from './networks.js';
export { defineNetwork, undefineNetwork, switchSpecOf, type DefineNetworkResult } from './define.js';
export {
  ensurePortGroup,
  updateNetworkPortgroup,
  standardVlanId,
  distributedVlanSpec,
  type EnsurePortGroupOptions,
  type EnsurePortGroupResult,
  type PortgroupCommand,
} from './portgroups.js';
export {
  mergeNetworkInfo,
  uuidOfKey,
  readHostNetwork,
  type HostNetworkView,
  type HostSwitchView,
  type HostPortgroupView,
} from './host-view.js';
export { libvirtUuidOfSwitch, type DistributedSwitchView, type DistributedPortgroupView } from './distributed.js';
export { checkBridgeNames, listVmNetworks, vmNetworksOf } from './vm-networks.js';
