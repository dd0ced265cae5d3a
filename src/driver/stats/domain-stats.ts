/**
 * Per-VM usage with virsh's names and units (domstats, dommemstat, domblkstat, domifstat, cpu-stats) and OpenNebula's
 * poll fields, from the latest real-time sample (perf.ts) and summary.quickStats. vSphere keeps rates per 20 s
 * interval, not counters since boot (libvirt's ESX driver leaves cpuTime at 0 for that reason): the fields virsh
 * defines as cumulative (cpu.time, net.N.rx.bytes, block.N.rd.reqs …) are the amounts of the latest interval, which
 * the JSON output names (interval, timestamp). Conversions: milliseconds of CPU → ns; KB/s × 1024 × interval → bytes;
 * requests/s × interval → requests; average latency (ms) × requests → total ns. Fields the server has no data for are
 * left out (as virsh leaves out what a driver does not report).
 */
import { InvalidArgumentError, InvalidStateError, NotFoundError, UnsupportedError } from '../../errors.js';
import type { Connection } from '../connect/connection.js';
import { configToDomain } from '../../vmconfig/index.js';
import { stateReason, usedMemoryKiB, type DomainRef, type DomainState } from '../domain/index.js';
import { collectStats, sampled, type VmStatsData } from './collect.js';
import { VM_COUNTERS as C, type CounterName } from './perf.js';

/** domstats' groups, in virsh's order. */
export const STATS_GROUPS = ['state', 'cpu-total', 'balloon', 'vcpu', 'interface', 'block'] as const;
/** One of STATS_GROUPS. */
export type StatsGroup = (typeof STATS_GROUPS)[number];

/** One domain's statistics: virsh's `key=value` fields, in order. */
export interface DomainStats {
  name: string;
  fields: [string, number | string][];
  /** Seconds the interval-based fields cover (undefined: no sample). */
  interval: number | undefined;
  /** When the sample was taken. */
  timestamp: string | undefined;
}

/** Options of getDomainStats. */
export interface DomainStatsOptions {
  domains?: readonly string[];
  /** Default: every group. */
  groups?: readonly StatsGroup[];
  /** virsh's --list-* filters (any of them). */
  states?: readonly DomainState[];
}

const STATE_CODES: Record<DomainState, number> = { running: 1, paused: 3, 'shut off': 5, 'no state': 0 };
const REASON_CODES: Record<string, number> = { booted: 1, user: 1, unknown: 0 };

const COUNTERS_OF: Record<StatsGroup, CounterName[]> = {
  state: [],
  'cpu-total': [C.cpuUsed, C.cpuSystem],
  balloon: [C.memSwapIn, C.memSwapOut],
  vcpu: [C.cpuUsed, C.cpuReady],
  interface: [C.netRx, C.netTx, C.netRxPkts, C.netTxPkts, C.netRxDrop, C.netTxDrop],
  block: [C.diskRead, C.diskWrite, C.diskReads, C.diskWrites, C.diskReadLatency, C.diskWriteLatency],
};

const ms2ns = (ms: number): number => Math.round(ms * 1e6);
const kbps2bytes = (kbps: number, interval: number): number => Math.round(kbps * 1024 * interval);

/** The memory figures of dommemstat / domstats --balloon (KiB), from quick stats and the sample. */
export function memoryStats(d: VmStatsData): [string, number][] {
  const max = d.memoryMB * 1024;
  // a VM that does not run has no balloon (quick stats may lag behind a power change)
  const ballooned = d.dom.state === 'running' ? (d.quick?.balloonedMemory ?? 0) * 1024 : 0;
  const current = Math.max(0, usedMemoryKiB(max, d.limitMB) - ballooned);
  const out: [string, number][] = [['actual', current]];
  const swapIn = sampled(d, C.memSwapIn);
  const swapOut = sampled(d, C.memSwapOut);
  if (swapIn !== undefined) out.push(['swap_in', swapIn]);
  if (swapOut !== undefined) out.push(['swap_out', swapOut]);
  if (d.dom.state === 'running' && d.quick?.guestMemoryUsage !== undefined) {
    const unused = Math.max(0, max - d.quick.guestMemoryUsage * 1024);
    out.push(['unused', unused], ['available', max], ['usable', unused]);
  }
  if (d.sample?.timestamp) out.push(['last_update', Math.floor(d.sample.timestamp.getTime() / 1000)]);
  if (d.dom.state === 'running' && d.quick?.hostMemoryUsage !== undefined) out.push(['rss', d.quick.hostMemoryUsage * 1024]);
  return out;
}

/** A NIC's figures (virsh domifstat's names: rx_bytes …), undefined without a sample. */
export function interfaceStats(d: VmStatsData, instance: string): [string, number][] | undefined {
  const s = d.sample;
  if (s === undefined) return undefined;
  const out: [string, number][] = [];
  const add = (name: string, v: number | undefined, f: (x: number) => number = (x) => x): void => {
    if (v !== undefined) out.push([name, f(v)]);
  };
  add('rx_bytes', sampled(d, C.netRx, instance), (x) => kbps2bytes(x, s.interval));
  add('rx_packets', sampled(d, C.netRxPkts, instance));
  add('rx_drop', sampled(d, C.netRxDrop, instance));
  add('tx_bytes', sampled(d, C.netTx, instance), (x) => kbps2bytes(x, s.interval));
  add('tx_packets', sampled(d, C.netTxPkts, instance));
  add('tx_drop', sampled(d, C.netTxDrop, instance));
  return out;
}

/** A disk's figures (virsh domblkstat's names), summed over `instances`, undefined without a sample. */
export function blockStats(d: VmStatsData, instances: readonly string[]): [string, number][] | undefined {
  const s = d.sample;
  if (s === undefined) return undefined;
  const sum = (c: CounterName, f: (x: number) => number): number | undefined => {
    let total: number | undefined;
    for (const i of instances) {
      const v = sampled(d, c, i);
      if (v !== undefined) total = (total ?? 0) + f(v);
    }
    return total;
  };
  const reqs = (x: number): number => Math.round(x * s.interval);
  const rdReq = sum(C.diskReads, reqs);
  const wrReq = sum(C.diskWrites, reqs);
  const out: [string, number][] = [];
  const add = (name: string, v: number | undefined): void => {
    if (v !== undefined) out.push([name, v]);
  };
  add('rd_req', rdReq);
  add(
    'rd_bytes',
    sum(C.diskRead, (x) => kbps2bytes(x, s.interval)),
  );
  add('wr_req', wrReq);
  add(
    'wr_bytes',
    sum(C.diskWrite, (x) => kbps2bytes(x, s.interval)),
  );
  // average latency per request × requests = the time the requests took
  let rdTimes: number | undefined;
  let wrTimes: number | undefined;
  for (const i of instances) {
    const rl = sampled(d, C.diskReadLatency, i);
    const r = sampled(d, C.diskReads, i);
    if (rl !== undefined && r !== undefined) rdTimes = (rdTimes ?? 0) + ms2ns(rl * r * s.interval);
    const wl = sampled(d, C.diskWriteLatency, i);
    const w = sampled(d, C.diskWrites, i);
    if (wl !== undefined && w !== undefined) wrTimes = (wrTimes ?? 0) + ms2ns(wl * w * s.interval);
  }
  add('rd_total_times', rdTimes);
  add('wr_total_times', wrTimes);
  return out;
}

/** The fields of one domain for `groups`. */
export function domainStatsOf(
  d: VmStatsData,
  groups: readonly StatsGroup[],
  domainDisks?: readonly { target: string; src?: string }[],
): DomainStats {
  const f: [string, number | string][] = [];
  const active = d.dom.state === 'running';
  const s = d.sample;
  for (const g of STATS_GROUPS) {
    if (!groups.includes(g)) continue;
    if (g === 'state') f.push(['state.state', STATE_CODES[d.dom.state]], ['state.reason', REASON_CODES[stateReason(d.dom.state)] ?? 0]);
    if (g === 'cpu-total' && s) {
      const used = sampled(d, C.cpuUsed);
      const system = sampled(d, C.cpuSystem);
      if (used !== undefined) f.push(['cpu.time', ms2ns(used)]);
      if (used !== undefined && system !== undefined) f.push(['cpu.user', ms2ns(Math.max(0, used - system))]);
      if (system !== undefined) f.push(['cpu.system', ms2ns(system)]);
    }
    if (g === 'balloon') {
      const m = new Map(memoryStats(d));
      f.push(['balloon.current', m.get('actual') ?? 0], ['balloon.maximum', d.memoryMB * 1024]);
      for (const k of ['swap_in', 'swap_out', 'unused', 'available', 'usable', 'rss']) {
        const v = m.get(k);
        if (v !== undefined) f.push([`balloon.${k}`, v]);
      }
      const at = m.get('last_update');
      if (at !== undefined) f.push(['balloon.last-update', at]);
    }
    if (g === 'vcpu') {
      f.push(['vcpu.current', d.numCpu], ['vcpu.maximum', d.numCpu]);
      if (active)
        for (let i = 0; i < d.numCpu; i++) {
          f.push([`vcpu.${i}.state`, 1]);
          const t = sampled(d, C.cpuUsed, String(i));
          const w = sampled(d, C.cpuReady, String(i));
          if (t !== undefined) f.push([`vcpu.${i}.time`, ms2ns(t)]);
          if (w !== undefined) f.push([`vcpu.${i}.wait`, ms2ns(w)]);
        }
    }
    if (g === 'interface') {
      f.push(['net.count', d.nics.length]);
      d.nics.forEach((n, i) => {
        f.push([`net.${i}.name`, n.name]);
        for (const [k, v] of interfaceStats(d, n.instance) ?? [])
          f.push([`net.${i}.${k.replace('_packets', '.pkts').replace('_bytes', '.bytes').replace('_drop', '.drop')}`, v]);
      });
    }
    if (g === 'block') {
      f.push(['block.count', d.disks.length]);
      d.disks.forEach((disk, i) => {
        const target = domainDisks?.find((x) => x.src === disk.name)?.target ?? disk.instance;
        f.push([`block.${i}.name`, target], [`block.${i}.path`, disk.name]);
        const names: Record<string, string> = {
          rd_req: 'rd.reqs',
          rd_bytes: 'rd.bytes',
          rd_total_times: 'rd.times',
          wr_req: 'wr.reqs',
          wr_bytes: 'wr.bytes',
          wr_total_times: 'wr.times',
        };
        for (const [k, v] of blockStats(d, [disk.instance]) ?? []) f.push([`block.${i}.${names[k] ?? k}`, v]);
        f.push([`block.${i}.capacity`, disk.capacity]);
      });
    }
  }
  return { name: d.dom.name, fields: f, interval: s?.interval, timestamp: s?.timestamp?.toISOString() };
}

/** The domain targets of a VM's disks (sda …), by file, as config-to-domain names them. */
function diskTargets(d: VmStatsData): { target: string; src?: string }[] {
  const def = configToDomain({
    name: d.dom.name,
    hardware: { _type: 'VirtualHardware', numCPU: d.numCpu, memoryMB: d.memoryMB, device: d.devices },
  });
  return def.disks.map((x) => ({ target: x.targetDev, ...(x.src !== undefined ? { src: x.src } : {}) }));
}

/** virsh domstats: the groups asked for (all by default) of the domains named (all by default). */
export async function getDomainStats(conn: Connection, opts: DomainStatsOptions = {}): Promise<DomainStats[]> {
  const groups = opts.groups && opts.groups.length > 0 ? opts.groups : STATS_GROUPS;
  const counters = [...new Set(groups.flatMap((g) => COUNTERS_OF[g]))];
  const data = await collectStats(conn, {
    ...(opts.domains ? { domains: opts.domains } : {}),
    devices: groups.includes('interface') || groups.includes('block'),
    counters,
  });
  const chosen = opts.states && opts.states.length > 0 ? data.filter((d) => opts.states?.includes(d.dom.state)) : data;
  const out: DomainStats[] = [];
  for (const d of chosen) out.push(domainStatsOf(d, groups, groups.includes('block') ? diskTargets(d) : undefined));
  return out;
}

async function one(conn: Connection, domain: string, counters: CounterName[], devices = false): Promise<VmStatsData> {
  const [d] = await collectStats(conn, { domains: [domain], counters, devices });
  if (d === undefined) throw new NotFoundError(`Domain not found: no domain with matching name '${domain}'`);
  return d;
}

function requireRunning(d: VmStatsData): void {
  if (d.dom.state !== 'running') throw new InvalidStateError('domain is not running');
}

/** virsh dommemstat: [name, KiB] pairs. */
export async function getDomainMemoryStats(conn: Connection, domain: string): Promise<{ dom: DomainRef; stats: [string, number][] }> {
  const d = await one(conn, domain, [C.memSwapIn, C.memSwapOut]);
  requireRunning(d);
  return { dom: d.dom, stats: memoryStats(d) };
}

/** virsh domblkstat: one disk (target or file), or all disks together. */
export async function getDomainBlockStats(
  conn: Connection,
  domain: string,
  device?: string,
): Promise<{ dom: DomainRef; device: string; stats: [string, number][] }> {
  const d = await one(conn, domain, COUNTERS_OF.block, true);
  requireRunning(d);
  let instances = d.disks.map((x) => x.instance);
  if (device !== undefined && device !== '') {
    const targets = diskTargets(d);
    const src = targets.find((t) => t.target === device)?.src ?? device;
    const disk = d.disks.find((x) => x.name === src);
    if (disk === undefined) throw new InvalidArgumentError(`invalid argument: invalid path: ${device}`);
    instances = [disk.instance];
  }
  const stats = blockStats(d, instances);
  if (stats === undefined || stats.length === 0) throw new UnsupportedError(`the server has no disk statistics for domain '${d.dom.name}'`);
  return { dom: d.dom, device: device ?? '', stats };
}

/** virsh domifstat: one NIC by MAC (or 'ethernetN'). */
export async function getDomainInterfaceStats(
  conn: Connection,
  domain: string,
  iface: string,
): Promise<{ dom: DomainRef; iface: string; stats: [string, number][] }> {
  const d = await one(conn, domain, COUNTERS_OF.interface, true);
  requireRunning(d);
  const m = /^ethernet(\d+)$/.exec(iface);
  const nic = d.nics.find((n) => n.name === iface.toLowerCase()) ?? (m ? d.nics[Number(m[1])] : undefined);
  if (nic === undefined) throw new InvalidArgumentError(`invalid argument: '${iface}' is not a known interface`);
  const stats = interfaceStats(d, nic.instance);
  if (stats === undefined || stats.length === 0)
    throw new UnsupportedError(`the server has no network statistics for domain '${d.dom.name}'`);
  return { dom: d.dom, iface, stats };
}

/** virsh cpu-stats --total: CPU time of the latest interval, in seconds. */
export interface CpuTotals {
  dom: DomainRef;
  cpuTime: number;
  userTime: number | undefined;
  systemTime: number | undefined;
  interval: number;
}

/** virsh cpu-stats: the totals only (ESX does not split a VM's CPU time by host CPU). */
export async function getDomainCpuTotals(conn: Connection, domain: string): Promise<CpuTotals> {
  const d = await one(conn, domain, COUNTERS_OF['cpu-total']);
  requireRunning(d);
  const used = sampled(d, C.cpuUsed);
  if (used === undefined || d.sample === undefined)
    throw new UnsupportedError(`the server has no CPU statistics for domain '${d.dom.name}'`);
  const system = sampled(d, C.cpuSystem);
  return {
    dom: d.dom,
    cpuTime: used / 1000,
    userTime: system !== undefined ? Math.max(0, used - system) / 1000 : undefined,
    systemTime: system !== undefined ? system / 1000 : undefined,
    interval: d.sample.interval,
  };
}

/** One line of `esxvirt poll`: OpenNebula's poll fields. */
export interface PollEntry {
  name: string;
  /** a (running), p (paused), d (off), e (unknown). */
  state: 'a' | 'p' | 'd' | 'e';
  /** % of one host CPU (100 = one CPU busy). */
  cpu: number;
  /** KiB of host memory the VM uses. */
  memory: number;
  /** Bytes received and sent in the latest interval. */
  netrx: number;
  nettx: number;
}

const POLL_STATES: Record<DomainState, PollEntry['state']> = { running: 'a', paused: 'p', 'shut off': 'd', 'no state': 'e' };

/** esxvirt poll: one entry per domain (all by default), as OpenNebula's VMware drivers report them. */
export async function pollDomains(conn: Connection, domains?: readonly string[]): Promise<PollEntry[]> {
  const data = await collectStats(conn, { ...(domains ? { domains } : {}), counters: [C.netRx, C.netTx], hostMhz: true });
  return data.map((d) => {
    const interval = d.sample?.interval ?? 0;
    const running = d.dom.state === 'running';
    const mhz = d.quick?.overallCpuUsage ?? 0;
    return {
      name: d.dom.name,
      state: POLL_STATES[d.dom.state],
      cpu: running && d.hostMhz ? Math.round((mhz / d.hostMhz) * 10000) / 100 : 0,
      memory: running ? (d.quick?.hostMemoryUsage ?? 0) * 1024 : 0,
      netrx: kbps2bytes(sampled(d, C.netRx) ?? 0, interval),
      nettx: kbps2bytes(sampled(d, C.netTx) ?? 0, interval),
    };
  });
}
