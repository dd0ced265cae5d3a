// The vmware namespace on a connected VM (extra-config.ts), ESX's hot-plug rules (hot-plug.ts) and the outcome of a
// spec whose answer was lost (spec-outcome.ts): one line per rule.
import assert from 'node:assert/strict';
import test from 'node:test';
import { parseDomainXml } from '../conf/domain/parse-domain.js';
import type { DomainDef } from '../conf/domain/domain-def.js';
import type { AnyVirtualDevice, OptionValue, VirtualMachineConfigSpec } from '../vim25/generated/types.js';
import { applySpec } from './apply-spec.js';
import { configToDomain } from './config-to-domain.js';
import { DevicePlan } from './device-plan.js';
import { editVmSpec, isEmptySpec } from './domain-diff.js';
import { createVmSpec } from './domain-to-config.js';
import { extraConfigDiff, extraConfigOf } from './extra-config.js';
import { liveChangeProblems, type LiveVmState } from './hot-plug.js';
import { specOutcome } from './spec-outcome.js';
import { assertEncodes, deviceOf, deviceSets, webConfig } from '../../test/support/vmconfig-fixtures.js';

const NS = "xmlns:vmware='http://libvirt.org/schemas/domain/vmware/1.0'";
const dom = (extra: string): DomainDef =>
  parseDomainXml(`<domain type='vmware' ${NS}><name>x</name><memory>4096</memory><os><type>hvm</type></os>${extra}</domain>`);
const ov = (key: string, value: string): OptionValue => ({ _type: 'OptionValue', key, value });

test('extraConfigOf: PCI bridges 0..n-1 (4 and up as PCIe root ports), then the entries; an entry overrides a bridge key', () => {
  const d = dom(
    "<vmware:pcibridges>5</vmware:pcibridges><vmware:vmx><vmware:entry name='a.b' value='1'/><vmware:entry name='PCIBRIDGE1.PRESENT' value='FALSE'/></vmware:vmx>",
  );
  assert.deepEqual(
    extraConfigOf(d).map((o) => `${o.key}=${String(o.value)}`),
    [
      'pciBridge0.present=TRUE',
      'pciBridge2.present=TRUE',
      'pciBridge3.present=TRUE',
      'pciBridge4.present=TRUE',
      'pciBridge4.virtualDev=pcieRootPort',
      'pciBridge4.functions=8',
      'a.b=1',
      'PCIBRIDGE1.PRESENT=FALSE',
    ],
  );
});

test('extraConfigDiff: only what differs (keys any case), bridges the VM has beyond n turned off, dropped entries removed', () => {
  const cur = dom("<vmware:vmx><vmware:entry name='gone' value='1'/><vmware:entry name='same' value='x'/></vmware:vmx>");
  const next = dom(
    "<vmware:pcibridges>1</vmware:pcibridges><vmware:vmx><vmware:entry name='same' value='x'/><vmware:entry name='new' value='2'/></vmware:vmx>",
  );
  const have = [ov('Same', 'x'), ov('gone', '1'), ov('pciBridge0.present', 'TRUE'), ov('pciBridge4.present', 'TRUE')];
  assert.deepEqual(
    extraConfigDiff(cur, next, have).map((o) => `${o.key}=${String(o.value)}`),
    ['new=2', 'pciBridge4.present=FALSE', 'gone='],
  );
  assert.deepEqual(extraConfigDiff(next, next, [...extraConfigOf(next)]), []);
});

test('<graphics type=vnc>: the RemoteDisplay.vnc.* entries of the VMX writer, first display only; sent only when changed', () => {
  const vnc = (port: string, second = ''): DomainDef =>
    dom(`<devices><graphics type='vnc' ${port} keymap='de' passwd='s3'/>${second}</devices>`);
  const cur = vnc("port='5901'", "<graphics type='vnc' port='5999' keymap='fr'/>");
  const entries = (o: OptionValue[]): string[] => o.map((x) => `${x.key}=${String(x.value)}`);
  assert.deepEqual(entries(extraConfigOf(cur)), [
    'RemoteDisplay.vnc.enabled=TRUE',
    'RemoteDisplay.vnc.port=5901',
    'RemoteDisplay.vnc.keymap=de',
    'RemoteDisplay.vnc.password=s3',
  ]);
  const have = extraConfigOf(cur);
  assert.deepEqual(extraConfigDiff(cur, cur, have), []);
  // unchanged but missing from extraConfig (the XML came from the VMX): nothing sent
  assert.deepEqual(extraConfigDiff(cur, cur, [ov('other', '1')]), []);
  assert.deepEqual(entries(extraConfigDiff(cur, vnc("port='5902'"), have)), ['RemoteDisplay.vnc.port=5902']);
  // autoport: the fixed port goes; no display: VNC off and its entries removed
  assert.deepEqual(entries(extraConfigDiff(cur, vnc("autoport='yes'"), have)), ['RemoteDisplay.vnc.port=']);
  assert.deepEqual(entries(extraConfigDiff(cur, dom(''), have)), [
    'RemoteDisplay.vnc.enabled=FALSE',
    'RemoteDisplay.vnc.port=',
    'RemoteDisplay.vnc.keymap=',
    'RemoteDisplay.vnc.password=',
  ]);
});

test('editVmSpec: <vmware:guestos> becomes guestId when the VM has another, extras go into the same spec', () => {
  const cfg = webConfig();
  const cur = configToDomain(cfg);
  const next = structuredClone(cur);
  next.guestOs = 'windows9_64Guest';
  next.vmxEntries = [{ name: 'isolation.tools.copy.disable', value: 'TRUE' }];
  next.memoryKiB = 4 * 1024 * 1024;
  const spec = editVmSpec(cur, next, cfg.hardware?.device ?? [], {}, { currentGuestId: cfg.guestId, currentExtraConfig: [] });
  assert.equal(spec.guestId, 'windows9_64Guest');
  assert.equal(spec.memoryMB, 4096);
  assert.deepEqual(spec.extraConfig, [ov('isolation.tools.copy.disable', 'TRUE')]);
  assertEncodes(spec);
  // applied, the same edit again changes nothing
  const after = applySpec(cfg, spec);
  const again = editVmSpec(
    configToDomain(after),
    next,
    after.hardware?.device ?? [],
    {},
    { currentGuestId: after.guestId, currentExtraConfig: after.extraConfig },
  );
  assert.ok(isEmptySpec(again), JSON.stringify(again));
  // the guest id already set: no guestId
  assert.equal(editVmSpec(cur, next, cfg.hardware?.device ?? [], {}, { currentGuestId: 'windows9_64Guest' }).guestId, undefined);
});

test('createVmSpec: guestId from <vmware:guestos>, extraConfig from the namespace', () => {
  const d = dom("<vmware:guestos>ubuntu64Guest</vmware:guestos><vmware:vmx><vmware:entry name='k' value='v'/></vmware:vmx>");
  const spec = createVmSpec(d, {}, { datastore: 'ds' });
  assert.equal(spec.guestId, 'ubuntu64Guest');
  assert.deepEqual(spec.extraConfig, [ov('k', 'v')]);
  assertEncodes(spec);
});

test('applySpec: an extraConfig key set to an empty value is removed', () => {
  const cfg = { ...webConfig(), extraConfig: [ov('a', '1'), ov('b', '2')] };
  assert.deepEqual(applySpec(cfg, { _type: 'VirtualMachineConfigSpec', extraConfig: [ov('A', ''), ov('c', '3')] }).extraConfig, [
    ov('b', '2'),
    ov('c', '3'),
  ]);
});

const RUNNING: LiveVmState = { state: 'running', numCpu: 2, memoryMB: 2048 };

/** A spec of one device change on the web VM, built by the plan from a domain device. */
function planned(op: 'add' | 'edit' | 'remove', xml: string, devices = deviceSets().web as AnyVirtualDevice[]): VirtualMachineConfigSpec {
  const plan = new DevicePlan(devices, { networks: [{ kind: 'standard', name: 'VM Network' }] });
  plan.apply({ op, device: deviceOf(xml) });
  return { _type: 'VirtualMachineConfigSpec', deviceChange: plan.specs };
}

const HOT: [string, VirtualMachineConfigSpec, LiveVmState, RegExp | undefined][] = [
  [
    'SCSI disk added',
    planned('add', "<disk type='file' device='disk'><source file='[ds] a.vmdk'/><target dev='sdc' bus='scsi'/></disk>"),
    RUNNING,
    undefined,
  ],
  ['SCSI disk removed', planned('remove', "<disk type='file' device='disk'><target dev='sdb' bus='scsi'/></disk>"), RUNNING, undefined],
  [
    'IDE disk added',
    planned('add', "<disk type='file' device='disk'><source file='[ds] a.vmdk'/><target dev='hdb' bus='ide'/></disk>"),
    RUNNING,
    /adding a disk on the IDE bus/,
  ],
  [
    'IDE CD-ROM medium changed',
    planned('edit', "<disk type='file' device='cdrom'><source file='[ds] x.iso'/><target dev='hdc' bus='ide'/></disk>"),
    RUNNING,
    undefined,
  ],
  [
    'disk mode changed',
    planned(
      'edit',
      "<disk type='file' device='disk'><source file='[datastore1] web/web.vmdk'/><target dev='sda' bus='scsi'/><transient/></disk>",
    ),
    RUNNING,
    /changing 'Hard disk 1' \(its mode or file\)/,
  ],
  ['NIC added', planned('add', "<interface type='bridge'><source bridge='VM Network'/></interface>"), RUNNING, undefined],
  ['SCSI controller added', planned('add', "<controller type='scsi' index='1' model='lsilogic'/>"), RUNNING, /adding a controller/],
  [
    'serial port removed',
    planned('remove', "<serial type='pipe'><source path='/tmp/serial1'/><target port='1'/></serial>"),
    RUNNING,
    /removing 'Serial port 2'/,
  ],
  [
    'SCSI disk added to a suspended VM',
    planned('add', "<disk type='file' device='disk'><source file='[ds] a.vmdk'/><target dev='sdc' bus='scsi'/></disk>"),
    { state: 'paused' },
    /changing devices of a suspended VM/,
  ],
  ['guest OS', { _type: 'VirtualMachineConfigSpec', guestId: 'otherGuest' }, RUNNING, /changing the guest OS/],
  ['vCPUs without hot-add', { _type: 'VirtualMachineConfigSpec', numCPUs: 4 }, RUNNING, /CPU hot-add is not enabled/],
  ['vCPUs with hot-add', { _type: 'VirtualMachineConfigSpec', numCPUs: 4 }, { ...RUNNING, cpuHotAddEnabled: true }, undefined],
  [
    'memory shrinks',
    { _type: 'VirtualMachineConfigSpec', memoryMB: 1024 },
    { ...RUNNING, memoryHotAddEnabled: true },
    /shrinking the memory/,
  ],
  [
    'name, annotation, extraConfig',
    { _type: 'VirtualMachineConfigSpec', name: 'n', annotation: 'a', extraConfig: [ov('k', 'v')] },
    RUNNING,
    undefined,
  ],
];

for (const [what, spec, vm, problem] of HOT) {
  test(`hot-plug rule: ${what} on a ${vm.state} VM ${problem ? 'needs it off' : 'is allowed'}`, () => {
    const p = liveChangeProblems(spec, deviceSets().web as AnyVirtualDevice[], vm);
    if (problem === undefined) assert.deepEqual(p, []);
    else
      assert.ok(
        p.some((x) => problem.test(x)),
        p.join('; '),
      );
  });
}

test('specOutcome: none before, all after applySpec, partial when only some of it shows', () => {
  const before = webConfig();
  const spec = planned(
    'add',
    "<disk type='file' device='disk'><source file='[datastore1] web/new.vmdk'/><target dev='sdc' bus='scsi'/></disk>",
  );
  spec.name = 'renamed';
  spec.deviceChange?.push(
    ...(planned('remove', "<disk type='file' device='disk'><target dev='sdb' bus='scsi'/></disk>").deviceChange ?? []),
  );
  assert.equal(specOutcome(spec, before, before), 'none');
  const after = applySpec(before, spec);
  assert.equal(specOutcome(spec, before, after), 'all');
  assert.equal(specOutcome(spec, before, { ...after, name: before.name }), 'partial');
  // a NIC whose MAC the server generated is still recognised
  const nic = planned('add', "<interface type='bridge'><source bridge='VM Network'/></interface>");
  assert.equal(specOutcome(nic, before, applySpec(before, nic)), 'all');
  assert.equal(specOutcome({ _type: 'VirtualMachineConfigSpec' }, before, before), 'all');
});
