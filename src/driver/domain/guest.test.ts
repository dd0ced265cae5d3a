import assert from 'node:assert/strict';
import test from 'node:test';
import type { ObjectRecord } from '../../vim25/index.js';
import { compareVersions, interfaceName, interfacesOf, toolsRunningIn, toolsStatusPath } from './guest.js';

const rec = (props: Record<string, unknown>): ObjectRecord => ({ ref: { type: 'VirtualMachine', value: 'vm-1' }, props, missing: [] });

test('compareVersions and the tools property per API version', () => {
  assert.ok(compareVersions('4.1', '4.0') > 0);
  assert.ok(compareVersions('4.0', '4.0.0') === 0);
  assert.ok(compareVersions('2.5u2', '4.0') < 0);
  assert.ok(compareVersions('10.0', '4.1') > 0);
  assert.equal(toolsStatusPath('2.5'), 'guest.toolsStatus');
  assert.equal(toolsStatusPath('4.0'), 'guest.toolsRunningStatus');
  assert.equal(toolsStatusPath('7.0.3.0'), 'guest.toolsRunningStatus');
});

test('toolsRunningIn: toolsRunningStatus first, then the older toolsStatus, else unknown', () => {
  assert.equal(toolsRunningIn(rec({ 'guest.toolsRunningStatus': 'guestToolsRunning' })), true);
  assert.equal(toolsRunningIn(rec({ 'guest.toolsRunningStatus': 'guestToolsExecutingScripts' })), true);
  assert.equal(toolsRunningIn(rec({ 'guest.toolsRunningStatus': 'guestToolsNotRunning' })), false);
  assert.equal(toolsRunningIn(rec({ 'guest.toolsStatus': 'toolsOk' })), true);
  assert.equal(toolsRunningIn(rec({ 'guest.toolsStatus': 'toolsOld' })), true);
  assert.equal(toolsRunningIn(rec({ 'guest.toolsStatus': 'toolsNotRunning' })), false);
  assert.equal(toolsRunningIn(rec({ 'guest.toolsStatus': 'toolsNotInstalled' })), false);
  assert.equal(toolsRunningIn(rec({})), undefined);
});

test('interfaceName: ethernetN from the NIC key 4000+N; other keys have no VMX name', () => {
  assert.equal(interfaceName(4000), 'ethernet0');
  assert.equal(interfaceName(4009), 'ethernet9');
  assert.equal(interfaceName(4010), '-');
  assert.equal(interfaceName(-1), '-');
  assert.equal(interfaceName(7), '-');
});

test('interfacesOf: prefixes from ipConfig, else bare addresses; ipv4/ipv6; MAC lower-cased', () => {
  const ifaces = interfacesOf([
    {
      network: 'VM Network',
      macAddress: '00:50:56:AB:CD:EF',
      connected: true,
      deviceConfigId: 4000,
      ipAddress: ['192.168.1.10', 'fe80::250:56ff:feab:cdef'],
      ipConfig: {
        ipAddress: [
          { ipAddress: '192.168.1.10', prefixLength: 24 },
          { ipAddress: 'fe80::250:56ff:feab:cdef', prefixLength: 64 },
        ],
      },
    },
    { macAddress: '00:0c:29:00:00:01', connected: true, deviceConfigId: 4001, ipAddress: ['10.0.0.5'] },
    { connected: true, deviceConfigId: -1, ipAddress: ['172.17.0.1'] },
    { macAddress: '00:0c:29:00:00:02', connected: false, deviceConfigId: 4002 },
  ]);
  assert.deepEqual(ifaces, [
    {
      name: 'ethernet0',
      hwaddr: '00:50:56:ab:cd:ef',
      network: 'VM Network',
      addrs: [
        { type: 'ipv4', addr: '192.168.1.10', prefix: 24 },
        { type: 'ipv6', addr: 'fe80::250:56ff:feab:cdef', prefix: 64 },
      ],
    },
    { name: 'ethernet1', hwaddr: '00:0c:29:00:00:01', network: undefined, addrs: [{ type: 'ipv4', addr: '10.0.0.5', prefix: undefined }] },
    { name: '-', hwaddr: undefined, network: undefined, addrs: [{ type: 'ipv4', addr: '172.17.0.1', prefix: undefined }] },
    { name: 'ethernet2', hwaddr: '00:0c:29:00:00:02', network: undefined, addrs: [] },
  ]);
});
