/**
 * What the statistics commands read, for any number of VMs in a bounded number of calls: one listing of the host's
 * VMs with their sizes, quick stats (and devices when NICs or disks are asked for), the counter catalogue, and one
 * QueryPerf per 500 active VMs (perf.ts). Domains named by the caller are picked from the listing as virsh looks them
 * up (id, UUID, name), so naming 200 domains costs no more calls than listing them.
 */
import { NotFoundError } from '../../errors.js';
import { normalizeUuid } from '../../conf/units.js';
import { vsphereNameOf } from '../../escape.js';
import {
  HostSystemProps,
  prop,
  retrieveMany,
  VirtualMachineProps as V,
  type AnyPropPath,
  type AnyVirtualDevice,
  type MoRef,
  type ObjectRecord,
  type VirtualMachineQuickStats,
} from '../../vim25/index.js';
import { isA } from '../../vmconfig/index.js';
import type { Connection } from '../connect/connection.js';
import { listDomainRefs, type DomainRef } from '../domain/index.js';
import { queryLatest, readCounterCatalog, VM_COUNTERS, type CounterName, type VmMetricRequest, type VmSample } from './perf.js';

/** Which statistics to read. */
export interface CollectOptions {
  /** Domains by name, UUID or id (default: all of the host's). */
  domains?: readonly string[];
  /** Read the VMs' devices (NIC and disk statistics). */
  devices?: boolean;
  /** Counters to sample (none: no QueryPerf). */
  counters?: readonly CounterName[];
  /** Read the hosts' CPU speed (poll's CPU %). */
  hostMhz?: boolean;
}

/** A NIC or disk of a VM, with the perf instance its counters carry. */
export interface StatDevice {
  key: number;
  /** NICs: the device key ('4000'); disks: the controller slot ('scsi0:0'). */
  instance: string;
  /** NICs: the MAC; disks: the file. */
  name: string;
}

/** One VM's data. */
export interface VmStatsData {
  dom: DomainRef;
  numCpu: number;
  memoryMB: number;
  /** config.memoryAllocation.limit (MiB; -1 or undefined: none). */
  limitMB: number | undefined;
  quick: VirtualMachineQuickStats | undefined;
  devices: AnyVirtualDevice[];
  nics: StatDevice[];
  disks: (StatDevice & { capacity: number })[];
  sample: VmSample | undefined;
  /** The VM's host (runtime.host). */
  host: MoRef<'HostSystem'> | undefined;
  /** MHz of one CPU of the VM's host. */
  hostMhz: number | undefined;
}

const BUS_PREFIXES: [string, string][] = [
  ['VirtualSCSIController', 'scsi'],
  ['VirtualIDEController', 'ide'],
  ['VirtualSATAController', 'sata'],
  ['VirtualNVMEController', 'nvme'],
];

/** The NICs and disks of a device list, with their perf instances. */
export function statDevices(devices: readonly AnyVirtualDevice[]): { nics: StatDevice[]; disks: (StatDevice & { capacity: number })[] } {
  const nics: StatDevice[] = [];
  const disks: (StatDevice & { capacity: number })[] = [];
  // by device key: domiflist's order, so 'ethernetN' and net.N agree with it
  for (const d of [...devices].sort((a, b) => a.key - b.key)) {
    if (isA(d, 'VirtualEthernetCard'))
      nics.push({ key: d.key, instance: String(d.key), name: (d as { macAddress?: string }).macAddress?.toLowerCase() ?? '' });
    if (!isA(d, 'VirtualDisk')) continue;
    const ctl = devices.find((c) => c.key === d.controllerKey);
    const prefix = BUS_PREFIXES.find(([t]) => isA(ctl, t))?.[1];
    if (prefix === undefined || d.unitNumber === undefined) continue;
    const bus = (ctl as { busNumber?: number }).busNumber ?? 0;
    const disk = d as { capacityInKB?: number; capacityInBytes?: number; backing?: { fileName?: string } };
    disks.push({
      key: d.key,
      instance: `${prefix}${bus}:${d.unitNumber}`,
      name: disk.backing?.fileName ?? '',
      capacity: disk.capacityInBytes ?? (disk.capacityInKB ?? 0) * 1024,
    });
  }
  return { nics, disks };
}

const UUID_RE = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** Picks the named domains from a listing, as virsh's lookup goes: id, then UUID, then name. */
function pick(all: { dom: DomainRef; rec: ObjectRecord }[], names: readonly string[]): { dom: DomainRef; rec: ObjectRecord }[] {
  return names.map((text) => {
    const found =
      (/^\d{1,9}$/.test(text) ? all.find((x) => x.dom.id === Number(text)) : undefined) ??
      (UUID_RE.test(text) ? all.find((x) => x.dom.uuid === normalizeUuid(text)) : undefined) ??
      all.find((x) => x.dom.name === text || prop(x.rec, V.name) === vsphereNameOf(text));
    if (found === undefined) {
      const kind = /^\d+$/.test(text) ? 'id or name' : UUID_RE.test(text) ? 'uuid or name' : 'name';
      throw new NotFoundError(`Domain not found: no domain with matching ${kind} '${text}'`);
    }
    return found;
  });
}

/** The instances each counter is read for: the aggregate, vCPUs, NICs or disks. */
function metricsFor(counters: readonly CounterName[], numCpu: number, nics: StatDevice[], disks: StatDevice[]): VmMetricRequest['metrics'] {
  const perVcpu = [VM_COUNTERS.cpuUsed, VM_COUNTERS.cpuReady] as string[];
  return counters.map((counter) => {
    const instances: string[] = [];
    if (counter.startsWith('net.')) instances.push('', ...nics.map((n) => n.instance));
    else if (counter.startsWith('virtualDisk.')) instances.push(...disks.map((d) => d.instance));
    else {
      if (counter !== VM_COUNTERS.cpuReady) instances.push('');
      if (perVcpu.includes(counter)) for (let i = 0; i < numCpu; i++) instances.push(String(i));
    }
    return { counter, instances };
  });
}

/** Reads what `opts` asks for, for every requested domain, in a bounded number of calls. */
export async function collectStats(conn: Connection, opts: CollectOptions = {}): Promise<VmStatsData[]> {
  const paths: AnyPropPath[] = [V.numCpu, V.memoryMB, V.memoryAllocation, V.quickStats, V.host];
  if (opts.devices) paths.push(V.devices);
  const listed = await listDomainRefs(conn, paths);
  const chosen = opts.domains && opts.domains.length > 0 ? pick(listed, opts.domains) : listed;
  const data: VmStatsData[] = chosen.map(({ dom, rec }) => {
    const devices = opts.devices ? (prop(rec, V.devices) ?? []) : [];
    const { nics, disks } = statDevices(devices);
    return {
      dom,
      numCpu: prop(rec, V.numCpu) ?? 0,
      memoryMB: prop(rec, V.memoryMB) ?? 0,
      limitMB: prop(rec, V.memoryAllocation)?.limit,
      quick: prop(rec, V.quickStats),
      devices,
      nics,
      disks,
      sample: undefined,
      hostMhz: undefined,
      host: prop(rec, V.host),
    };
  });
  const active = data.filter((d) => d.dom.state === 'running');
  if (opts.counters && opts.counters.length > 0 && active.length > 0) {
    const catalog = await readCounterCatalog(conn);
    const samples = await queryLatest(
      conn,
      catalog,
      active.map((d) => ({ vm: d.dom.ref, metrics: metricsFor(opts.counters ?? [], d.numCpu, d.nics, d.disks) })),
    );
    for (const d of active) d.sample = samples.get(d.dom.ref.value);
  }
  if (opts.hostMhz) {
    const hosts = [...new Map(data.flatMap((d) => (d.host ? [[d.host.value, d.host] as const] : []))).values()];
    const recs = await retrieveMany(conn.client, hosts, [HostSystemProps.hardwareSummary]);
    const mhz = new Map(recs.map((r) => [r.ref.value, prop(r, HostSystemProps.hardwareSummary)?.cpuMhz]));
    for (const d of data) d.hostMhz = mhz.get(d.host?.value ?? '');
  }
  return data;
}

/** A counter's value for one instance of a VM's sample (undefined: not sampled). */
export function sampled(d: VmStatsData, counter: CounterName, instance = ''): number | undefined {
  return d.sample?.values.get(counter)?.get(instance);
}
