/**
 * Real-time samples of many VMs in one QueryPerf (per 500 VMs): the counter keys come from the PerformanceManager's
 * perfCounter property (one read: vcsim 0.24.2 crashes on QueryPerfCounter, and the property works everywhere),
 * each VM gets one PerfQuerySpec (interval 20 s, the latest sample), and the answer is read into plain maps. A VM
 * the server has no sample for (a powered-off VM has none on ESX) simply has no values.
 */
import {
  methods,
  PerformanceManagerProps,
  prop,
  retrieveOne,
  type MoRef,
  type PerfCounterInfo,
  type PerfEntityMetric,
  type PerfMetricId,
  type PerfMetricIntSeries,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';

/** VMs per QueryPerf call: bounds the request (about 2 KiB per VM with every counter). */
export const PERF_BATCH = 500;
/** ESX's real-time interval (PerfProviderSummary.refreshRate of hosts and VMs). */
export const REALTIME_INTERVAL = 20;

/** A counter as `group.name.rollup` (e.g. 'cpu.used.summation'). */
export type CounterName = string;

/** The counters esxvirt reads for VMs, by name. */
export const VM_COUNTERS = {
  cpuUsed: 'cpu.used.summation',
  cpuSystem: 'cpu.system.summation',
  cpuReady: 'cpu.ready.summation',
  cpuUsageMhz: 'cpu.usagemhz.average',
  memSwapIn: 'mem.swapin.average',
  memSwapOut: 'mem.swapout.average',
  netRx: 'net.received.average',
  netTx: 'net.transmitted.average',
  netRxPkts: 'net.packetsRx.summation',
  netTxPkts: 'net.packetsTx.summation',
  netRxDrop: 'net.droppedRx.summation',
  netTxDrop: 'net.droppedTx.summation',
  diskRead: 'virtualDisk.read.average',
  diskWrite: 'virtualDisk.write.average',
  diskReads: 'virtualDisk.numberReadAveraged.average',
  diskWrites: 'virtualDisk.numberWriteAveraged.average',
  diskReadLatency: 'virtualDisk.totalReadLatency.average',
  diskWriteLatency: 'virtualDisk.totalWriteLatency.average',
} as const;

/** Counter keys by name, from the server's catalogue. */
export type CounterCatalog = ReadonlyMap<CounterName, number>;

/** `group.name.rollup` of a counter. */
export function counterName(c: PerfCounterInfo): CounterName {
  return `${c.groupInfo.key}.${c.nameInfo.key}.${c.rollupType}`;
}

/** The server's counter catalogue (one property read), or an empty map when it has no PerformanceManager. */
export async function readCounterCatalog(conn: Connection): Promise<CounterCatalog> {
  const pm = conn.client.serviceContent.perfManager;
  if (pm === undefined) return new Map();
  const list = prop(await retrieveOne(conn.client, pm, [PerformanceManagerProps.perfCounter]), PerformanceManagerProps.perfCounter) ?? [];
  const out = new Map<CounterName, number>();
  for (const c of list) if (!out.has(counterName(c))) out.set(counterName(c), c.key);
  return out;
}

/** What to ask for one VM: counters and their instances ('' is the VM's aggregate). */
export interface VmMetricRequest {
  vm: MoRef<'VirtualMachine'>;
  metrics: readonly { counter: CounterName; instances: readonly string[] }[];
}

/** One VM's latest sample: values by counter name and instance. */
export interface VmSample {
  interval: number;
  timestamp: Date | undefined;
  values: Map<CounterName, Map<string, number>>;
}

/** Reads the latest real-time sample of each VM (PERF_BATCH VMs per call); VMs without a sample are absent. */
export async function queryLatest(
  conn: Connection,
  catalog: CounterCatalog,
  requests: readonly VmMetricRequest[],
): Promise<Map<string, VmSample>> {
  const out = new Map<string, VmSample>();
  const pm = conn.client.serviceContent.perfManager;
  if (pm === undefined || catalog.size === 0) return out;
  const names = new Map<number, CounterName>();
  for (const [n, k] of catalog) names.set(k, n);
  for (let i = 0; i < requests.length; i += PERF_BATCH) {
    const batch = requests.slice(i, i + PERF_BATCH);
    const querySpec = batch
      .map((r) => {
        const metricId: PerfMetricId[] = [];
        for (const m of r.metrics) {
          const counterId = catalog.get(m.counter);
          if (counterId === undefined) continue;
          for (const instance of m.instances) metricId.push({ _type: 'PerfMetricId', counterId, instance });
        }
        return { _type: 'PerfQuerySpec' as const, entity: r.vm, maxSample: 1, intervalId: REALTIME_INTERVAL, metricId };
      })
      .filter((s) => s.metricId.length > 0);
    if (querySpec.length === 0) continue;
    const result = await methods.QueryPerf(conn.client.soap, pm, { querySpec });
    for (const m of result) {
      if (m._type !== 'PerfEntityMetric') continue;
      const metric = m as PerfEntityMetric;
      const samples = metric.sampleInfo ?? [];
      if (samples.length === 0) continue;
      // the latest sample: ESX lists them oldest first, vcsim newest first
      let at = 0;
      for (let j = 1; j < samples.length; j++) if ((samples[j]?.timestamp.getTime() ?? 0) > (samples[at]?.timestamp.getTime() ?? 0)) at = j;
      const values = new Map<CounterName, Map<string, number>>();
      for (const s of metric.value ?? []) {
        const v = (s as PerfMetricIntSeries).value?.[at];
        const name = names.get(s.id.counterId);
        if (v === undefined || v < 0 || name === undefined) continue;
        let byInstance = values.get(name);
        if (byInstance === undefined) values.set(name, (byInstance = new Map()));
        byInstance.set(s.id.instance, v);
      }
      out.set(metric.entity.value, { interval: samples[at]?.interval ?? REALTIME_INTERVAL, timestamp: samples[at]?.timestamp, values });
    }
  }
  return out;
}
