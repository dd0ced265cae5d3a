/** The host: node information, capabilities, sysinfo, host name, versions, memory and CPU statistics. */
export {
  getNodeInfo,
  getCapabilities,
  getSysinfo,
  sysinfoDefOf,
  getHostname,
  getFreeMemory,
  getMemoryStats,
  getCpuStats,
  serverVersion,
  LIBRARY_VERSION,
  type CpuStats,
  type FreeMemory,
  type MemoryStats,
  type NodeInfo,
  type ServerVersion,
  type SysInfo,
} from './host.js';
