// Unit conversions of the statistics commands on hand-made samples: ms → ns, KB/s × interval → bytes, requests/s ×
// interval → requests, latency × requests → total time; fields without data left out.
import assert from 'node:assert/strict';
import test from 'node:test';
import type { DomainRef } from '../domain/index.js';
import type { VmStatsData } from './collect.js';
import { blockStats, domainStatsOf, interfaceStats, memoryStats } from './domain-stats.js';
import { VM_COUNTERS as C } from './perf.js';

function data(state: DomainRef['state'], values: Record<string, Record<string, number>> | undefined): VmStatsData {
  return {
    dom: { ref: { type: 'VirtualMachine', value: 'vm-1' }, name: 'web', uuid: '', id: state === 'running' ? 1 : -1, state },
    numCpu: 2,
    memoryMB: 1024,
    limitMB: 512,
    quick: {
      _type: 'VirtualMachineQuickStats',
      guestHeartbeatStatus: 'green',
      guestMemoryUsage: 100,
      hostMemoryUsage: 300,
      balloonedMemory: 10,
    },
    devices: [],
    nics: [{ key: 4000, instance: '4000', name: '00:50:56:01:02:03' }],
    disks: [{ key: 2000, instance: 'scsi0:0', name: '[ds] web/web.vmdk', capacity: 1 << 30 }],
    sample:
      values === undefined
        ? undefined
        : {
            interval: 20,
            timestamp: new Date('2024-01-02T03:04:00Z'),
            values: new Map(Object.entries(values).map(([k, v]) => [k, new Map(Object.entries(v))])),
          },
    host: undefined,
    hostMhz: 2000,
  };
}

const SAMPLE = {
  [C.cpuUsed]: { '': 3000, '0': 1000, '1': 2000 },
  [C.cpuSystem]: { '': 500 },
  [C.cpuReady]: { '0': 40, '1': 60 },
  [C.memSwapIn]: { '': 7 },
  [C.netRx]: { '4000': 100 },
  [C.netTxPkts]: { '4000': 55 },
  [C.diskReads]: { 'scsi0:0': 2.5 },
  [C.diskRead]: { 'scsi0:0': 10 },
  [C.diskReadLatency]: { 'scsi0:0': 4 },
};

test('domstats of a running VM: virsh names, in group order, converted to virsh units', () => {
  const s = domainStatsOf(
    data('running', SAMPLE),
    ['state', 'cpu-total', 'balloon', 'vcpu', 'interface', 'block'],
    [{ target: 'sda', src: '[ds] web/web.vmdk' }],
  );
  assert.deepEqual(Object.fromEntries(s.fields), {
    'state.state': 1,
    'state.reason': 0, // libvirt's ESX driver reports no reason
    'cpu.time': 3_000_000_000,
    'cpu.user': 2_500_000_000,
    'cpu.system': 500_000_000,
    'balloon.current': 512 * 1024 - 10 * 1024,
    'balloon.maximum': 1024 * 1024,
    'balloon.swap_in': 7,
    'balloon.unused': (1024 - 100) * 1024,
    'balloon.available': 1024 * 1024,
    'balloon.usable': (1024 - 100) * 1024,
    'balloon.rss': 300 * 1024,
    'balloon.last-update': Date.parse('2024-01-02T03:04:00Z') / 1000,
    'vcpu.current': 2,
    'vcpu.maximum': 2,
    'vcpu.0.state': 1,
    'vcpu.0.time': 1_000_000_000,
    'vcpu.0.wait': 40_000_000,
    'vcpu.1.state': 1,
    'vcpu.1.time': 2_000_000_000,
    'vcpu.1.wait': 60_000_000,
    'net.count': 1,
    'net.0.name': '00:50:56:01:02:03',
    'net.0.rx.bytes': 100 * 1024 * 20,
    'net.0.tx.pkts': 55,
    'block.count': 1,
    'block.0.name': 'sda',
    'block.0.path': '[ds] web/web.vmdk',
    'block.0.rd.reqs': 50,
    'block.0.rd.bytes': 10 * 1024 * 20,
    'block.0.rd.times': 4 * 2.5 * 20 * 1e6,
    'block.0.capacity': 1 << 30,
  });
  assert.equal(s.interval, 20);
  assert.deepEqual(
    s.fields.map(([k]) => k.split('.')[0]),
    [
      ...'state state cpu cpu cpu'.split(' '),
      ...Array(8).fill('balloon'),
      ...Array(8).fill('vcpu'),
      ...Array(4).fill('net'),
      ...Array(7).fill('block'),
    ],
  );
});

test('a shut-off VM: state and sizes only, no sample, no balloon (quick stats may still show the last one)', () => {
  const s = domainStatsOf(data('shut off', undefined), ['state', 'cpu-total', 'balloon', 'vcpu', 'interface'], []);
  assert.deepEqual(s.fields, [
    ['state.state', 5],
    ['state.reason', 0],
    ['balloon.current', 512 * 1024],
    ['balloon.maximum', 1024 * 1024],
    ['vcpu.current', 2],
    ['vcpu.maximum', 2],
    ['net.count', 1],
    ['net.0.name', '00:50:56:01:02:03'],
  ]);
  assert.equal(s.interval, undefined);
  assert.equal(interfaceStats(data('shut off', undefined), '4000'), undefined);
});

test('dommemstat, domifstat, domblkstat figures', () => {
  const d = data('running', SAMPLE);
  assert.deepEqual(
    memoryStats(d).map(([k]) => k),
    ['actual', 'swap_in', 'unused', 'available', 'usable', 'last_update', 'rss'],
  );
  assert.deepEqual(interfaceStats(d, '4000'), [
    ['rx_bytes', 2048000],
    ['tx_packets', 55],
  ]);
  assert.deepEqual(blockStats(d, ['scsi0:0']), [
    ['rd_req', 50],
    ['rd_bytes', 204800],
    ['rd_total_times', 200_000_000],
  ]);
});
