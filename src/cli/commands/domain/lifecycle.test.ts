import assert from 'node:assert/strict';
import test from 'node:test';
import { formatDomainInfo, formatInterfaceAddresses } from './lifecycle.js';

test('domifaddr table: virsh header, names not repeated unless --full, N/A for interfaces without addresses', () => {
  const ifaces = [
    {
      name: 'ethernet0',
      hwaddr: '00:50:56:ab:cd:ef',
      network: 'VM Network',
      addrs: [
        { type: 'ipv4' as const, addr: '192.168.1.10', prefix: 24 },
        { type: 'ipv6' as const, addr: 'fe80::250:56ff:feab:cdef', prefix: 64 },
      ],
    },
    { name: 'ethernet1', hwaddr: '00:0c:29:00:00:02', network: undefined, addrs: [] },
    { name: '-', hwaddr: undefined, network: undefined, addrs: [{ type: 'ipv4' as const, addr: '172.17.0.1', prefix: undefined }] },
  ];
  assert.equal(
    formatInterfaceAddresses(ifaces),
    [
      ' Name       MAC address          Protocol     Address',
      '-------------------------------------------------------------------------------',
      ' ethernet0  00:50:56:ab:cd:ef    ipv4         192.168.1.10/24',
      ' -          -                    ipv6         fe80::250:56ff:feab:cdef/64',
      ' ethernet1  00:0c:29:00:00:02    N/A          N/A',
      ' -          N/A                  ipv4         172.17.0.1',
      '',
    ].join('\n'),
  );
  const full = formatInterfaceAddresses(ifaces.slice(0, 1), { full: true, header: false });
  assert.equal(
    full,
    ' ethernet0  00:50:56:ab:cd:ef    ipv4         192.168.1.10/24\n ethernet0  00:50:56:ab:cd:ef    ipv6         fe80::250:56ff:feab:cdef/64\n',
  );
});

test('dominfo: CPU time only when known, in seconds with one decimal', () => {
  const info = {
    id: 3,
    name: 'a',
    uuid: 'u',
    osType: 'hvm' as const,
    state: 'running' as const,
    vcpus: 2,
    cpuTimeNs: 19_840_000_000,
    maxMemoryKiB: 4,
    memoryKiB: 4,
    persistent: true,
    autostart: false,
    managedSave: false,
    securityModel: 'none',
    securityDoi: '0',
  };
  assert.ok(formatDomainInfo(info).includes('\nCPU(s):         2\nCPU time:       19.8s\nMax memory:     4 KiB\n'));
  assert.doesNotMatch(formatDomainInfo({ ...info, cpuTimeNs: undefined }), /CPU time/);
});
