/** The `<network>` document: model, parser and formatter. */
export type { BandwidthDef, BandwidthRate, ForwardDef, NetworkDef, PortgroupDef, SecurityDef, VlanDef } from './network-def.js';
export { NETWORK_ESX_NS } from './network-def.js';
export { parseNetworkXml, parsePortgroupXml } from './parse-network.js';
export { formatNetworkXml, formatPortgroupXml } from './format-network.js';
