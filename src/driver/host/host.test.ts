import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  capabilitiesOf,
  cleanCpuModel,
  cpuStatsFromQuickStats,
  freeMemoryFrom,
  hostnameFrom,
  nodeInfoFrom,
  pickCpuUsageCounter,
  serverVersionOf,
  supportsLongMode,
  sysinfoDefOf,
} from './host.js';
import { formatCapabilities, formatSysinfo } from '../../conf/index.js';
import type { HostHardwareSummary, HostNumaInfo, PerfCounterInfo } from '../../vim25/index.js';

const summary: HostHardwareSummary = {
  vendor: 'Dell Inc.',
  model: 'PowerEdge R640',
  uuid: '4c4c4544-0042-3510-8052-b4c04f4e3132',
  memorySize: 274877906944,
  cpuModel: 'Intel(R) Xeon(R) Gold  6130 CPU @ 2.10GHz',
  cpuMhz: 2095,
  numCpuPkgs: 2,
  numCpuCores: 32,
  numCpuThreads: 64,
  numNics: 4,
  numHBAs: 2,
};

function numa(lengths: number[]): HostNumaInfo {
  let begin = 0;
  return {
    type: 'NUMA',
    numNodes: lengths.length,
    numaNode: lengths.map((len, i) => {
      const n = { typeId: i, cpuID: [i], memoryRangeBegin: begin, memoryRangeLength: len };
      begin += len;
      return n;
    }),
  };
}

test('cleanCpuModel drops trademark marks and extra spaces', () => {
  assert.equal(cleanCpuModel('Intel(R) Xeon(R) Gold  6130 CPU @ 2.10GHz'), 'Intel Xeon Gold 6130 CPU @ 2.10GHz');
  assert.equal(cleanCpuModel(' AMD EPYC(tm) 7402P 24-Core Processor '), 'AMD EPYC 7402P 24-Core Processor');
});

test('nodeInfoFrom: two sockets on two NUMA cells count as one socket per cell', () => {
  const n = nodeInfoFrom({
    summary,
    cpuInfo: { numCpuPackages: 2, numCpuCores: 32, numCpuThreads: 64, hz: 2095078000 },
    memorySize: 274877906944,
    numa: numa([2 ** 37, 2 ** 37]),
  });
  assert.deepEqual(n, {
    cpuModel: 'Intel Xeon Gold 6130 CPU @ 2.10GHz',
    cpus: 64,
    mhz: 2095,
    sockets: 1,
    coresPerSocket: 16,
    threadsPerCore: 2,
    numaCells: 2,
    memoryKiB: 268435456,
  });
  assert.equal(n.numaCells * n.sockets * n.coresPerSocket * n.threadsPerCore, n.cpus);
});

test('nodeInfoFrom: cells that do not divide the sockets give one cell; summary alone is enough', () => {
  const n = nodeInfoFrom({ summary, numa: numa([1, 1, 1]) });
  assert.equal(n.numaCells, 1);
  assert.equal(n.sockets, 2);
  assert.equal(n.mhz, 2095);
  assert.equal(n.memoryKiB, 268435456);
  assert.equal(nodeInfoFrom({}).cpus, 1);
});

test('serverVersionOf: kind by scheme, libvirt version number', () => {
  const about = { version: '6.7.0', apiVersion: '6.7.3', build: '14320388', fullName: 'VMware ESXi 6.7.0 build-14320388' };
  const v = serverVersionOf('esx', about);
  assert.equal(v.type, 'ESX');
  assert.equal(v.number, 6007000);
  assert.deepEqual([v.major, v.minor, v.micro], [6, 7, 0]);
  assert.equal(serverVersionOf('vpx', about).type, 'VPX');
  const gsx = serverVersionOf('gsx', { ...about, version: '2.0' });
  assert.equal(gsx.type, 'GSX');
  assert.equal(gsx.number, 2000000);
  assert.equal(serverVersionOf('esx', { ...about, version: 'e.x.p' }).number, 0);
});

test('supportsLongMode reads CPUID 0x80000001 EDX bit 29, else goes by version', () => {
  const edx = (bit29: string): string => `00${bit29}0:1000:0000:0000:0000:1000:0000:0000`;
  assert.equal(supportsLongMode([{ level: -2147483647, edx: edx('1') }], '3.5.0'), true);
  assert.equal(supportsLongMode([{ level: -2147483647, edx: edx('0') }], '6.5.0'), false);
  assert.equal(supportsLongMode([{ level: 0, edx: edx('0') }], '4.0.0'), true);
  assert.equal(supportsLongMode(undefined, '3.5.0'), false);
  assert.equal(supportsLongMode([{ level: -2147483647, edx: edx('-') }], '5.0.0'), true);
});

test('formatCapabilities: libvirt ESX layout', () => {
  const xml = formatCapabilities(capabilitiesOf('564d2f12-8041-639b-5018-05a835b72eaf', true));
  assert.equal(
    xml,
    [
      '<capabilities>',
      '',
      '  <host>',
      '    <uuid>564d2f12-8041-639b-5018-05a835b72eaf</uuid>',
      '    <cpu>',
      '      <arch>x86_64</arch>',
      '    </cpu>',
      '    <power_management/>',
      "    <iommu support='no'/>",
      '    <migration_features>',
      '      <live/>',
      '      <uri_transports>',
      '        <uri_transport>vpxmigr</uri_transport>',
      '      </uri_transports>',
      '    </migration_features>',
      '  </host>',
      '',
      '  <guest>',
      '    <os_type>hvm</os_type>',
      "    <arch name='i686'>",
      '      <wordsize>32</wordsize>',
      "      <domain type='vmware'/>",
      '    </arch>',
      '  </guest>',
      '',
      '  <guest>',
      '    <os_type>hvm</os_type>',
      "    <arch name='x86_64'>",
      '      <wordsize>64</wordsize>',
      "      <domain type='vmware'/>",
      '    </arch>',
      '  </guest>',
      '',
      '</capabilities>',
      '',
    ].join('\n'),
  );
  const i686 = capabilitiesOf('u', false);
  assert.equal(i686.arch, 'i686');
  assert.deepEqual(
    i686.guests.map((g) => g.arch),
    ['i686'],
  );
});

test('formatSysinfo escapes values and adds the serial when known', () => {
  assert.equal(
    formatSysinfo(sysinfoDefOf({ manufacturer: 'A & B <Inc>', product: 'X', uuid: 'u-1', serial: 'SN1' })),
    "<sysinfo type='smbios'>\n  <system>\n    <entry name='manufacturer'>A &amp; B &lt;Inc&gt;</entry>\n    <entry name='product'>X</entry>\n    <entry name='serial'>SN1</entry>\n    <entry name='uuid'>u-1</entry>\n  </system>\n</sysinfo>\n",
  );
  assert.doesNotMatch(formatSysinfo(sysinfoDefOf({ manufacturer: 'a', product: 'b', uuid: 'c' })), /serial/);
});

test('hostnameFrom: host.domain, host alone, inventory name, or an error', () => {
  assert.equal(hostnameFrom('esx1', 'example.com', 'ignored'), 'esx1.example.com');
  assert.equal(hostnameFrom('esx1', '', 'ignored'), 'esx1');
  assert.equal(hostnameFrom(undefined, undefined, '10.0.0.5'), '10.0.0.5');
  assert.throws(() => hostnameFrom('', '', ''), { code: 'NotFound' });
});

test('freeMemoryFrom: one cell holds the host; several split free memory by size', () => {
  const gib = 2 ** 30;
  const one = freeMemoryFrom(4 * gib, { overallMemoryUsage: 1024 }, numa([gib]));
  assert.deepEqual(one, {
    totalKiB: 4 * 2 ** 20,
    freeKiB: 3 * 2 ** 20,
    cells: [{ id: 0, totalKiB: 4 * 2 ** 20, freeKiB: 3 * 2 ** 20 }],
    cellsEstimated: false,
  });
  const two = freeMemoryFrom(8 * gib, { overallMemoryUsage: 2048 }, numa([2 * gib, 6 * gib]));
  assert.equal(two.freeKiB, 6 * 2 ** 20);
  assert.deepEqual(
    two.cells.map((c) => [c.id, c.totalKiB, c.freeKiB]),
    [
      [0, 2 * 2 ** 20, 1.5 * 2 ** 20],
      [1, 6 * 2 ** 20, 4.5 * 2 ** 20],
    ],
  );
  assert.equal(two.cellsEstimated, true);
  assert.equal(freeMemoryFrom(gib, { overallMemoryUsage: 4096 }, undefined).freeKiB, 0);
  assert.equal(freeMemoryFrom(gib, undefined, undefined).cells.length, 1);
});

test('pickCpuUsageCounter prefers cpu.usage.average in percent', () => {
  const c = (key: number, group: string, name: string, rollupType: PerfCounterInfo['rollupType'], unit = 'percent'): PerfCounterInfo => ({
    key,
    rollupType,
    statsType: 'rate',
    nameInfo: { label: name, summary: name, key: name },
    groupInfo: { label: group, summary: group, key: group },
    unitInfo: { label: unit, summary: unit, key: unit },
  });
  const counters = [
    c(1, 'cpu', 'usage', 'none'),
    c(3, 'cpu', 'usage', 'maximum'),
    c(6, 'cpu', 'usagemhz', 'average', 'megaHertz'),
    c(2, 'cpu', 'usage', 'average'),
    c(9, 'mem', 'usage', 'average'),
  ];
  assert.equal(pickCpuUsageCounter(counters)?.key, 2);
  assert.equal(pickCpuUsageCounter(counters.filter((x) => x.key !== 2))?.key, 1);
  assert.equal(pickCpuUsageCounter([c(6, 'cpu', 'usagemhz', 'average', 'megaHertz')]), undefined);
});

test('cpuStatsFromQuickStats: MHz used of cores × MHz', () => {
  const s = cpuStatsFromQuickStats({ overallCpuUsage: 6704 }, summary, 'no counters');
  assert.equal(s.usage, 10);
  assert.equal(s.idle, 90);
  assert.equal(s.source, 'quickstats');
  assert.match(s.detail, /6704 MHz of 67040 MHz \(no counters\)/);
  assert.throws(() => cpuStatsFromQuickStats({}, summary, 'x'), { code: 'Unsupported' });
});
