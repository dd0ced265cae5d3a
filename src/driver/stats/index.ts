/** Per-VM usage: virsh's domstats, dommemstat, domblkstat, domifstat, cpu-stats, and OpenNebula's poll fields. */
export {
  getDomainStats,
  getDomainMemoryStats,
  getDomainBlockStats,
  getDomainInterfaceStats,
  getDomainCpuTotals,
  pollDomains,
  domainStatsOf,
  memoryStats,
  blockStats,
  interfaceStats,
  STATS_GROUPS,
  type CpuTotals,
  type DomainStats,
  type DomainStatsOptions,
  type PollEntry,
  type StatsGroup,
} from './domain-stats.js';
export { collectStats, statDevices, type CollectOptions, type StatDevice, type VmStatsData } from './collect.js';
export { queryLatest, readCounterCatalog, counterName, VM_COUNTERS, PERF_BATCH, REALTIME_INTERVAL, type VmSample } from './perf.js';
