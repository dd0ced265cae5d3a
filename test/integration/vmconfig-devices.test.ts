// Device changes built by src/vmconfig, sent with ReconfigVM_Task to the stock ESX simulator and read back: the
// encoder accepts them, the simulator applies them, and config-to-domain reads the VM back as the domain asked for.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DomainDef } from '../../src/conf/domain/domain-def.js';
import { formatDomain } from '../../src/conf/domain/format-domain.js';
import type { VimClient } from '../../src/vim25/client.js';
import { ReconfigVM_Task } from '../../src/vim25/generated/methods.js';
import type { AnyVirtualDevice, MoRef, VirtualMachineConfigSpec } from '../../src/vim25/generated/types.js';
import { ManagedEntityProps, NetworkProps, VirtualMachineProps as V } from '../../src/vim25/generated/props.js';
import { listObjects, prop, retrieveOne } from '../../src/vim25/property.js';
import { runVmTask } from '../../src/vim25/vm-task.js';
import { configToDomain, type VmConfigView } from '../../src/vmconfig/config-to-domain.js';
import type { NetworkInfo, VmConfigContext } from '../../src/vmconfig/device-context.js';
import { DevicePlan } from '../../src/vmconfig/device-plan.js';
import { editVmSpec, isEmptySpec } from '../../src/vmconfig/domain-diff.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { connectTo } from './support.js';

describe('vmconfig device changes on the ESX simulator', () => {
  let sim: Simulator;
  let c: VimClient;
  let vm: MoRef<'VirtualMachine'>;
  let ctx: VmConfigContext;

  before(async () => {
    sim = await startSimulator({ model: 'esx', vms: 1, quiet: true });
    c = await connectTo(sim);
    const vms = await listObjects(c, { type: 'VirtualMachine', paths: [ManagedEntityProps.name] });
    vm = vms[0]?.ref as MoRef<'VirtualMachine'>;
    const nets = await listObjects(c, { type: 'Network', paths: [NetworkProps.name] });
    const networks: NetworkInfo[] = nets.map((n) => ({ kind: 'standard', name: prop(n, NetworkProps.name) ?? '', ref: n.ref }));
    ctx = { networks, newDisk: () => ({ capacityKiB: 2048 }) };
  });
  after(async () => {
    await c?.close();
    await sim?.stop();
  });

  async function config(): Promise<VmConfigView> {
    const r = await retrieveOne(c, vm, [
      V.configName,
      V.uuid,
      V.annotation,
      V.guestId,
      V.firmware,
      V.hardware,
      V.cpuAllocation,
      V.memoryAllocation,
    ]);
    return {
      name: prop(r, V.configName) ?? '',
      uuid: prop(r, V.uuid),
      annotation: prop(r, V.annotation),
      guestId: prop(r, V.guestId),
      firmware: prop(r, V.firmware),
      hardware: prop(r, V.hardware),
      cpuAllocation: prop(r, V.cpuAllocation),
      memoryAllocation: prop(r, V.memoryAllocation),
    };
  }
  const devices = (cfg: VmConfigView): AnyVirtualDevice[] => cfg.hardware?.device ?? [];
  const reconfigure = (spec: VirtualMachineConfigSpec): Promise<unknown> =>
    runVmTask(c, vm, 'ReconfigVM_Task', () => ReconfigVM_Task(c.soap, vm, { spec }));

  it('adds a new disk, a SATA CD-ROM with its controller, a NIC and a serial port in one reconfiguration', async () => {
    const plan = new DevicePlan(devices(await config()), ctx);
    const disk = plan.add({
      kind: 'disk',
      def: {
        type: 'file',
        device: 'disk',
        src: '[LocalDS_0] ha-host_VM0/data.vmdk',
        targetDev: '',
        bus: 'scsi',
        readonly: false,
        transient: false,
      },
    });
    assert.equal((disk.def as { targetDev: string }).targetDev, 'sdb', 'the simulator has a disk (and a CD-ROM) on SCSI unit 0');
    plan.add({
      kind: 'disk',
      def: {
        type: 'file',
        device: 'cdrom',
        src: '[LocalDS_0] iso/install.iso',
        targetDev: 'sda',
        bus: 'sata',
        readonly: true,
        transient: false,
      },
    });
    plan.add({
      kind: 'interface',
      def: { type: 'bridge', bridge: 'VM Network', mac: '00:50:56:00:12:34', macType: 'static', model: 'vmxnet3' },
    });
    plan.add({ kind: 'serial', def: { type: 'tcp', mode: 'bind', service: '2001', protocol: 'telnet', port: -1 } });
    await reconfigure({ _type: 'VirtualMachineConfigSpec', deviceChange: plan.specs });

    const xml = formatDomain(configToDomain(await config()));
    assert.match(xml, /<source file='\[LocalDS_0\] ha-host_VM0\/data.vmdk'\/>\n\s+<target dev='sdb' bus='scsi'\/>/);
    assert.match(
      xml,
      /<disk type='file' device='cdrom'>\n\s+<source file='\[LocalDS_0\] iso\/install.iso'\/>\n\s+<target dev='sda' bus='sata'\/>/,
    );
    assert.match(xml, /<controller type='sata' index='0'\/>/);
    assert.match(xml, /<mac address='00:50:56:00:12:34' type='static'\/>\n\s+<source bridge='VM Network'\/>\n\s+<model type='vmxnet3'\/>/);
    assert.match(
      xml,
      /<serial type='tcp'>\n\s+<source mode='bind' service='2001'\/>\n\s+<protocol type='telnet'\/>\n\s+<target port='0'\/>/,
    );
  });

  it('applies a domain edit as one ReconfigVM_Task and reads back as the domain edited to', async () => {
    const cfg = await config();
    const cur = configToDomain(cfg);
    const next: DomainDef = structuredClone(cur);
    next.description = 'edited';
    next.memoryKiB = 64 * 1024;
    next.vcpus = 2;
    next.interfaces = next.interfaces.filter((n) => n.mac !== '00:50:56:00:12:34');
    next.serials = [{ type: 'file', path: '[LocalDS_0] ha-host_VM0/serial.log', port: 0 }];
    next.consoles = [{ ...(next.serials[0] as DomainDef['serials'][number]) }];
    const cd = next.disks.find((d) => d.device === 'cdrom' && d.bus === 'sata');
    assert.ok(cd);
    delete cd.src;
    const spec = editVmSpec(cur, next, devices(cfg), ctx);
    assert.deepEqual(
      spec.deviceChange?.map((d) => d.operation),
      ['remove', 'edit', 'edit'],
    );
    await reconfigure(spec);

    const after = await config();
    const back = configToDomain(after);
    assert.equal(formatDomain(back), formatDomain(next));
    assert.ok(isEmptySpec(editVmSpec(back, next, devices(after), ctx)), 'nothing left to change');
  });

  it('removes the new disk and destroys its file', async () => {
    const plan = new DevicePlan(devices(await config()), ctx);
    plan.remove(
      { kind: 'disk', def: { type: 'file', device: 'disk', targetDev: 'sdb', bus: 'scsi', readonly: false, transient: false } },
      true,
    );
    assert.equal(plan.specs[0]?.fileOperation, 'destroy');
    await reconfigure({ _type: 'VirtualMachineConfigSpec', deviceChange: plan.specs });
    const xml = formatDomain(configToDomain(await config()));
    assert.doesNotMatch(xml, /data\.vmdk/);
  });
});
