/**
 * Host information as libvirt's ESX driver gives it (virsh nodeinfo, capabilities, hostname, version, sysinfo,
 * freecell, nodememstats, nodecpustats): read from the connection's HostSystem in one property call each,
 * converted by pure functions that the unit tests check against hand-made property values.
 */
import { InvalidArgumentError, NotFoundError, UnsupportedError } from '../../errors.js';
import type { CapabilitiesDef, SysinfoDef } from '../../conf/index.js';
import { VERSION } from '../../version.js';
import {
  HostSystemProps,
  methods,
  PerformanceManagerProps,
  prop,
  retrieveOne,
  type AnyPropPath,
  type HostCpuIdInfo,
  type HostCpuInfo,
  type HostHardwareSummary,
  type HostListSummaryQuickStats,
  type HostNumaInfo,
  type ObjectRecord,
  type PerfCounterInfo,
  type PerfEntityMetric,
  type PerfMetricIntSeries,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';

/** virsh nodeinfo's fields. */
export interface NodeInfo {
  cpuModel: string;
  /** Logical CPUs (hardware threads). */
  cpus: number;
  mhz: number;
  /** Sockets per NUMA cell, as libvirt counts them. */
  sockets: number;
  coresPerSocket: number;
  threadsPerCore: number;
  numaCells: number;
  memoryKiB: number;
}

/** The server kind and version, as libvirt's virConnectGetType / virConnectGetVersion report them. */
export interface ServerVersion {
  type: 'ESX' | 'GSX' | 'VPX';
  /** 'X.Y.Z' as the server reports it (AboutInfo.version). */
  version: string;
  major: number;
  minor: number;
  micro: number;
  /** libvirt's encoding: major × 1,000,000 + minor × 1,000 + micro. */
  number: number;
  /** vSphere API version, e.g. '6.5'. */
  apiVersion: string;
  build: string;
  fullName: string;
}

/** SMBIOS system facts for `virsh sysinfo`. */
export interface SysInfo {
  manufacturer: string;
  product: string;
  serial?: string;
  uuid: string;
}

/** Free memory in KiB: the host's total, and per NUMA cell. */
export interface FreeMemory {
  totalKiB: number;
  freeKiB: number;
  cells: { id: number; totalKiB: number; freeKiB: number }[];
  /** True when cells' free memory is the host's split by cell size (ESX reports usage per host only). */
  cellsEstimated: boolean;
}

/** `virsh nodememstats` in KiB (ESX has no buffers or page cache of its own to report: 0). */
export interface MemoryStats {
  total: number;
  free: number;
  buffers: number;
  cached: number;
}

/** CPU load in percent and where it came from. */
export interface CpuStats {
  usage: number;
  idle: number;
  /** 'perf' (QueryPerf cpu.usage, one real-time sample) or 'quickstats' (summary.quickStats.overallCpuUsage). */
  source: 'perf' | 'quickstats';
  /** One line for --debug: the counter or the reason for the fallback. */
  detail: string;
}

/** libvirt's model names drop the trademark marks and runs of spaces of vSphere's cpuModel. */
export function cleanCpuModel(model: string): string {
  return model
    .replace(/\((?:R|TM|tm|r)\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Builds NodeInfo from the host's hardware properties. */
export function nodeInfoFrom(p: {
  summary?: HostHardwareSummary;
  cpuInfo?: HostCpuInfo;
  memorySize?: number;
  numa?: HostNumaInfo;
}): NodeInfo {
  const packages = p.cpuInfo?.numCpuPackages ?? p.summary?.numCpuPkgs ?? 1;
  const cores = p.cpuInfo?.numCpuCores ?? p.summary?.numCpuCores ?? packages;
  const threads = p.cpuInfo?.numCpuThreads ?? p.summary?.numCpuThreads ?? cores;
  const hz = p.cpuInfo?.hz;
  const mhz = hz !== undefined ? Math.round(hz / 1e6) : (p.summary?.cpuMhz ?? 0);
  // libvirt's sockets are per NUMA cell; keep nodes × sockets × cores × threads = CPUs when it divides evenly.
  let nodes = Math.max(1, p.numa?.numNodes ?? 1);
  if (packages % nodes !== 0) nodes = 1;
  const memory = p.memorySize ?? p.summary?.memorySize ?? 0;
  return {
    cpuModel: cleanCpuModel(p.summary?.cpuModel ?? ''),
    cpus: threads,
    mhz,
    sockets: packages / nodes,
    coresPerSocket: packages > 0 ? Math.max(1, Math.floor(cores / packages)) : cores,
    threadsPerCore: cores > 0 ? Math.max(1, Math.floor(threads / cores)) : 1,
    numaCells: nodes,
    memoryKiB: Math.floor(memory / 1024),
  };
}

/** Splits 'X.Y.Z' (missing parts 0) and names the server kind by the connection's scheme. */
export function serverVersionOf(
  scheme: 'esx' | 'gsx' | 'vpx',
  about: { version: string; apiVersion: string; build: string; fullName: string },
): ServerVersion {
  const parts = about.version.split('.').map((s) => parseInt(s, 10));
  const [major, minor, micro] = [0, 1, 2].map((i) => (Number.isFinite(parts[i]) ? (parts[i] as number) : 0)) as [number, number, number];
  return {
    type: scheme === 'vpx' ? 'VPX' : scheme === 'gsx' ? 'GSX' : 'ESX',
    version: about.version,
    major,
    minor,
    micro,
    number: major * 1_000_000 + minor * 1_000 + micro,
    apiVersion: about.apiVersion,
    build: about.build,
    fullName: about.fullName,
  };
}

/** The connected server's kind and version (no call: read at login). Define uses it to pick virtualHW.version. */
export function serverVersion(conn: Pick<Connection, 'uri' | 'product'>): ServerVersion {
  return serverVersionOf(conn.uri.scheme, conn.product);
}

/** esxvirt's own version (virsh's "Using library"). */
export const LIBRARY_VERSION = VERSION;

/**
 * Whether the host CPU runs 64-bit code: CPUID 0x80000001 EDX bit 29 (long mode) when the host reports its CPUID
 * leaves; otherwise by product version, since ESX 4.0 and later install only on 64-bit CPUs.
 */
export function supportsLongMode(cpuFeature: HostCpuIdInfo[] | undefined, productVersion: string | undefined): boolean {
  const leaf = cpuFeature?.find((f) => f.level === -2147483647 || f.level === 0x80000001);
  const bits = leaf?.edx?.replace(/:/g, '');
  if (bits !== undefined && bits.length === 32) {
    const bit = bits[31 - 29];
    if (bit === '1') return true;
    if (bit === '0') return false;
  }
  return parseInt(productVersion ?? '0', 10) >= 4;
}

/** The capabilities of a host (pure). */
export function capabilitiesOf(uuid: string, longMode: boolean): CapabilitiesDef {
  const guests: CapabilitiesDef['guests'] = [{ osType: 'hvm', arch: 'i686', wordsize: 32, domainType: 'vmware' }];
  if (longMode) guests.push({ osType: 'hvm', arch: 'x86_64', wordsize: 64, domainType: 'vmware' });
  // libvirt's ESX driver offers no suspend targets and no IOMMU: virsh 9.0 prints <power_management/> and
  // <iommu support='no'/> for every ESX host.
  return { uuid, arch: longMode ? 'x86_64' : 'i686', powerManagement: [], iommu: false, migrationTransports: ['vpxmigr'], guests };
}

/** The sysinfo document of a host's SMBIOS facts (the system block, as libvirt lists it). */
export function sysinfoDefOf(s: SysInfo): SysinfoDef {
  const system: [string, string][] = [
    ['manufacturer', s.manufacturer],
    ['product', s.product],
  ];
  if (s.serial) system.push(['serial', s.serial]);
  system.push(['uuid', s.uuid]);
  return { type: 'smbios', system };
}

/** host.domain as libvirt's ESX driver forms it from the DNS configuration; the inventory name otherwise. */
export function hostnameFrom(dnsHost: string | undefined, dnsDomain: string | undefined, inventoryName: string | undefined): string {
  if (dnsHost) return dnsDomain ? `${dnsHost}.${dnsDomain}` : dnsHost;
  if (inventoryName) return inventoryName;
  throw new NotFoundError('the host reports no host name');
}

/** Free memory from total bytes, quick stats usage (MiB) and NUMA layout (pure). */
export function freeMemoryFrom(
  memorySize: number,
  quick: HostListSummaryQuickStats | undefined,
  numa: HostNumaInfo | undefined,
): FreeMemory {
  const totalKiB = Math.floor(memorySize / 1024);
  const usedKiB = (quick?.overallMemoryUsage ?? 0) * 1024;
  const freeKiB = Math.max(0, totalKiB - usedKiB);
  const nodes = numa?.numaNode ?? [];
  const sum = nodes.reduce((a, n) => a + n.memoryRangeLength, 0);
  // One cell holds the whole host (vcsim's single node even reports a range smaller than the host's memory).
  if (nodes.length <= 1 || sum <= 0)
    return { totalKiB, freeKiB, cells: [{ id: nodes[0]?.typeId ?? 0, totalKiB, freeKiB }], cellsEstimated: false };
  const cells = nodes.map((n) => ({
    id: n.typeId,
    totalKiB: Math.floor(n.memoryRangeLength / 1024),
    freeKiB: Math.floor((freeKiB * n.memoryRangeLength) / sum),
  }));
  return { totalKiB, freeKiB, cells, cellsEstimated: nodes.length > 1 };
}

async function readHost(conn: Connection, paths: readonly AnyPropPath[]): Promise<ObjectRecord> {
  return retrieveOne(conn.client, conn.host.hostSystem, paths);
}

/** virsh nodeinfo. */
export async function getNodeInfo(conn: Connection): Promise<NodeInfo> {
  const r = await readHost(conn, [
    HostSystemProps.hardwareSummary,
    HostSystemProps.cpuInfo,
    HostSystemProps.memorySize,
    HostSystemProps.numaInfo,
  ]);
  return nodeInfoFrom({
    summary: prop(r, HostSystemProps.hardwareSummary),
    cpuInfo: prop(r, HostSystemProps.cpuInfo),
    memorySize: prop(r, HostSystemProps.memorySize),
    numa: prop(r, HostSystemProps.numaInfo),
  });
}

/** virsh capabilities, as data. */
export async function getCapabilities(conn: Connection): Promise<CapabilitiesDef> {
  const r = await readHost(conn, [HostSystemProps.systemInfo, HostSystemProps.cpuFeature, HostSystemProps.productVersion]);
  const sys = prop(r, HostSystemProps.systemInfo);
  const longMode = supportsLongMode(prop(r, HostSystemProps.cpuFeature), prop(r, HostSystemProps.productVersion) ?? conn.product.version);
  return capabilitiesOf(sys?.uuid ?? '', longMode);
}

/** virsh sysinfo, as data. */
export async function getSysinfo(conn: Connection): Promise<SysInfo> {
  const r = await readHost(conn, [HostSystemProps.systemInfo]);
  const sys = prop(r, HostSystemProps.systemInfo);
  if (!sys) throw new NotFoundError('the host reports no system information (hardware.systemInfo)');
  return { manufacturer: sys.vendor, product: sys.model, uuid: sys.uuid, ...(sys.serialNumber ? { serial: sys.serialNumber } : {}) };
}

/** virsh hostname: the host's DNS name, or its inventory name when it has no DNS configuration. */
export async function getHostname(conn: Connection): Promise<string> {
  const r = await readHost(conn, [HostSystemProps.name, HostSystemProps.dnsHostName, HostSystemProps.dnsDomainName]);
  return hostnameFrom(prop(r, HostSystemProps.dnsHostName), prop(r, HostSystemProps.dnsDomainName), prop(r, HostSystemProps.name));
}

/** virsh freecell. */
export async function getFreeMemory(conn: Connection): Promise<FreeMemory> {
  const r = await readHost(conn, [HostSystemProps.memorySize, HostSystemProps.quickStats, HostSystemProps.numaInfo]);
  return freeMemoryFrom(prop(r, HostSystemProps.memorySize) ?? 0, prop(r, HostSystemProps.quickStats), prop(r, HostSystemProps.numaInfo));
}

/** virsh nodememstats. */
export async function getMemoryStats(conn: Connection): Promise<MemoryStats> {
  const r = await readHost(conn, [HostSystemProps.memorySize, HostSystemProps.quickStats]);
  const f = freeMemoryFrom(prop(r, HostSystemProps.memorySize) ?? 0, prop(r, HostSystemProps.quickStats), undefined);
  return { total: f.totalKiB, free: f.freeKiB, buffers: 0, cached: 0 };
}

/** Picks cpu.usage among counters, preferring the average rollup (value in hundredths of a percent). */
export function pickCpuUsageCounter(infos: PerfCounterInfo[]): PerfCounterInfo | undefined {
  const usage = infos.filter((c) => c.groupInfo.key === 'cpu' && c.nameInfo.key === 'usage' && c.unitInfo.key === 'percent');
  for (const rollup of ['average', 'none', 'latest', 'maximum']) {
    const c = usage.find((u) => u.rollupType === rollup);
    if (c) return c;
  }
  return undefined;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Percent of the host's CPU capacity from quick stats (MHz used of cores × MHz). */
export function cpuStatsFromQuickStats(
  quick: HostListSummaryQuickStats | undefined,
  hw: HostHardwareSummary | undefined,
  why: string,
): CpuStats {
  const capacity = (hw?.cpuMhz ?? 0) * (hw?.numCpuCores ?? 0);
  if (quick?.overallCpuUsage === undefined || capacity <= 0)
    throw new UnsupportedError('the host reports neither performance counters nor CPU quick stats');
  const usage = Math.min(100, round1((quick.overallCpuUsage * 100) / capacity));
  return {
    usage,
    idle: round1(100 - usage),
    source: 'quickstats',
    detail: `summary.quickStats.overallCpuUsage ${quick.overallCpuUsage} MHz of ${capacity} MHz (${why})`,
  };
}

async function cpuStatsFromPerf(conn: Connection, instance: string): Promise<CpuStats | string> {
  const pm = conn.client.serviceContent.perfManager;
  if (!pm) return 'no PerformanceManager';
  // The perfCounter property rather than QueryPerfCounter: vcsim 0.24.2 crashes on the latter, and one read
  // of the property works everywhere.
  const counters = prop(await retrieveOne(conn.client, pm, [PerformanceManagerProps.perfCounter]), PerformanceManagerProps.perfCounter);
  const counter = pickCpuUsageCounter(counters ?? []);
  if (!counter) return 'no cpu.usage counter';
  const entity = conn.host.hostSystem;
  const result = await methods.QueryPerf(conn.client.soap, pm, {
    querySpec: [{ entity, metricId: [{ counterId: counter.key, instance }], intervalId: 20, maxSample: 1 }],
  });
  const metric = result.find((m): m is PerfEntityMetric => m._type === 'PerfEntityMetric');
  const series = metric?.value?.find((s): s is PerfMetricIntSeries => s._type === 'PerfMetricIntSeries');
  const raw = series?.value?.[series.value.length - 1];
  if (raw === undefined || raw < 0) return 'QueryPerf returned no sample';
  const usage = Math.min(100, round1(raw / 100));
  const at = metric?.sampleInfo?.[metric.sampleInfo.length - 1];
  const when = at ? `${at.interval} s sample at ${at.timestamp.toISOString()}` : 'latest sample';
  return {
    usage,
    idle: round1(100 - usage),
    source: 'perf',
    detail: `QueryPerf cpu.usage.${counter.rollupType} (counter ${counter.key}${instance ? `, instance ${instance}` : ''}), ${when}`,
  };
}

/**
 * virsh nodecpustats: CPU usage from QueryPerf (cpu.usage, real-time interval) when the server offers it, else
 * from quick stats. A single CPU (`cpu`) needs performance counters.
 */
export async function getCpuStats(conn: Connection, opts: { cpu?: number } = {}): Promise<CpuStats> {
  const instance = opts.cpu === undefined ? '' : String(opts.cpu);
  if (opts.cpu !== undefined) {
    const cpus = prop(await readHost(conn, [HostSystemProps.cpuInfo]), HostSystemProps.cpuInfo)?.numCpuThreads ?? 0;
    if (!Number.isInteger(opts.cpu) || opts.cpu < 0 || opts.cpu >= cpus)
      throw new InvalidArgumentError(`invalid CPU number ${opts.cpu}: the host has CPUs 0 to ${cpus - 1}`);
  }
  let why: string;
  try {
    const r = await cpuStatsFromPerf(conn, instance);
    if (typeof r !== 'string') return r;
    why = r;
  } catch (e) {
    why = `QueryPerf failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (opts.cpu !== undefined) throw new UnsupportedError(`no statistics for CPU ${opts.cpu}: ${why}`);
  const r = await readHost(conn, [HostSystemProps.quickStats, HostSystemProps.hardwareSummary]);
  return cpuStatsFromQuickStats(prop(r, HostSystemProps.quickStats), prop(r, HostSystemProps.hardwareSummary), why);
}
