import assert from 'node:assert/strict';
import test from 'node:test';
import type { MoRef, ObjectRecord } from '../../vim25/index.js';
import { autostartSpec, isAutostartedIn } from './autostart.js';
import { domainInfoOf, stateReason, usedMemoryKiB } from './info.js';
import type { DomainRef } from './ref.js';

const vm: MoRef<'VirtualMachine'> = { type: 'VirtualMachine', value: '42' };
const other: MoRef<'VirtualMachine'> = { type: 'VirtualMachine', value: '43' };

test("stateReason: always unknown, as libvirt 9.0's ESX driver reports it", () => {
  assert.equal(stateReason('running'), 'unknown');
  assert.equal(stateReason('paused'), 'unknown');
  assert.equal(stateReason('shut off'), 'unknown');
  assert.equal(stateReason('no state'), 'unknown');
});

test('usedMemoryKiB: the limit in MiB when set, never above the size; -1 or unset is the size', () => {
  assert.equal(usedMemoryKiB(1048576, undefined), 1048576);
  assert.equal(usedMemoryKiB(1048576, -1), 1048576);
  assert.equal(usedMemoryKiB(1048576, 512), 524288);
  assert.equal(usedMemoryKiB(1048576, 4096), 1048576);
  assert.equal(usedMemoryKiB(1048576, 0), 0);
});

test('domainInfoOf: what dominfo prints, from the record', () => {
  const dom: DomainRef = { ref: vm, name: 'web', uuid: '50115e16-9bdc-49d7-f171-53c4d7f91710', id: 42, state: 'paused' };
  const rec: ObjectRecord = {
    ref: vm,
    props: { 'config.hardware.numCPU': 2, 'config.hardware.memoryMB': 1024, 'config.memoryAllocation': { limit: 768 } },
    missing: [],
  };
  assert.deepEqual(domainInfoOf(dom, rec, true), {
    id: 42,
    name: 'web',
    uuid: '50115e16-9bdc-49d7-f171-53c4d7f91710',
    osType: 'hvm',
    state: 'paused',
    vcpus: 2,
    cpuTimeNs: undefined,
    maxMemoryKiB: 1048576,
    memoryKiB: 786432,
    persistent: true,
    autostart: true,
    managedSave: false,
  });
  const off = domainInfoOf(
    { ...dom, id: -1, state: 'shut off' },
    { ...rec, props: { 'config.hardware.numCPU': 1, 'config.hardware.memoryMB': 32 } },
    false,
  );
  assert.equal(off.managedSave, false);
  assert.equal(off.memoryKiB, 32768);
  assert.equal(off.autostart, false);
});

const entry = (key: MoRef<'VirtualMachine'>, startAction: string) => ({
  key,
  startOrder: -1,
  startDelay: -1,
  waitForHeartbeat: 'systemDefault' as const,
  startAction,
  stopDelay: -1,
  stopAction: 'systemDefault',
});

test('isAutostartedIn: host autostart enabled and the entry powerOn (any case)', () => {
  assert.equal(isAutostartedIn({ defaults: { enabled: true }, powerInfo: [entry(vm, 'powerOn')] }, vm), true);
  assert.equal(isAutostartedIn({ defaults: { enabled: true }, powerInfo: [entry(vm, 'PowerOn')] }, vm), true);
  assert.equal(isAutostartedIn({ defaults: { enabled: false }, powerInfo: [entry(vm, 'powerOn')] }, vm), false);
  assert.equal(isAutostartedIn({ powerInfo: [entry(vm, 'powerOn')] }, vm), false);
  assert.equal(isAutostartedIn({ defaults: { enabled: true }, powerInfo: [entry(vm, 'none')] }, vm), false);
  assert.equal(isAutostartedIn({ defaults: { enabled: true }, powerInfo: [entry(other, 'powerOn')] }, vm), false);
  assert.equal(isAutostartedIn({}, vm), false);
});

test('autostartSpec: enabling turns the host autostart on when off; disabling leaves the host alone', () => {
  assert.deepEqual(autostartSpec({ defaults: { enabled: false } }, vm, true), {
    powerInfo: [entry(vm, 'powerOn')],
    defaults: { enabled: true },
  });
  assert.deepEqual(autostartSpec({ defaults: { enabled: true } }, vm, true), { powerInfo: [entry(vm, 'powerOn')] });
  assert.deepEqual(autostartSpec({ defaults: { enabled: false } }, vm, false), { powerInfo: [entry(vm, 'none')] });
});
