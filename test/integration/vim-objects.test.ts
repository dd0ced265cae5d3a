import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidStateError, QuestionError } from '../../src/errors.js';
import type { VimClient } from '../../src/vim25/client.js';
import { PowerOffVM_Task } from '../../src/vim25/generated/methods.js';
import { VirtualMachineProps } from '../../src/vim25/generated/props.js';
import type { MoRef, VirtualMachineSnapshotTree } from '../../src/vim25/generated/types.js';
import { VirtualMachineHandle, type TaskProgress } from '../../src/vim25/objects/index.js';
import { prop, retrieveOne } from '../../src/vim25/property.js';
import { runVmTask } from '../../src/vim25/vm-task.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { connectTo } from './support.js';

const delta = (c: VimClient, before: Record<string, number>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [m, n] of Object.entries(c.stats.byMethod)) if (n !== (before[m] ?? 0)) out[m] = n - (before[m] ?? 0);
  return out;
};

describe('vim25 object handles (vCenter simulator)', () => {
  let sim: Simulator;
  let c: VimClient;
  let auto: VimClient;

  before(async () => {
    sim = await startSimulator({ model: 'vpx', vms: 4, quiet: true });
    c = await connectTo(sim);
    auto = await connectTo(sim, { autoAnswer: true });
  });
  after(async () => {
    await c?.close();
    await auto?.close();
    await sim?.stop();
  });

  const vmNamed = async (name: string): Promise<MoRef<'VirtualMachine'>> =>
    (await c.inventory.findVmByName(name)) as MoRef<'VirtualMachine'>;
  const powerState = async (vm: MoRef<'VirtualMachine'>) =>
    prop(await retrieveOne(c, vm, [VirtualMachineProps.powerState]), VirtualMachineProps.powerState);

  it('a handle task costs the round trips of runVmTask, and reports progress as an async iterator', async () => {
    const a = await vmNamed('DC0_C0_RP0_VM0');
    const b = await vmNamed('DC0_C0_RP0_VM1');
    let before = { ...c.stats.byMethod };
    await runVmTask(c, a, 'PowerOffVM_Task', () => PowerOffVM_Task(c.soap, a));
    const byRunVmTask = delta(c, before);
    before = { ...c.stats.byMethod };
    await (await new VirtualMachineHandle(c, b).powerOff()).wait();
    assert.deepEqual(delta(c, before), byRunVmTask);
    assert.equal(await powerState(b), 'poweredOff');

    const task = await new VirtualMachineHandle(c, b).powerOn();
    const seen: TaskProgress[] = [];
    const it = task.progress();
    let r = await it.next();
    for (; !r.done; r = await it.next()) seen.push(r.value);
    assert.equal(r.value.state, 'success');
    assert.equal(seen.at(-1)?.info.state, 'success');
    assert.equal(await powerState(b), 'poweredOn');
    // The wait is over, so the VM takes its next task; one already powered on refuses another power-on.
    const again = await new VirtualMachineHandle(c, b).powerOn();
    const err = await again.wait().catch((e: unknown) => e);
    assert.ok(err instanceof InvalidStateError, String(err));
    assert.match(err.message, /^PowerOnVM_Task on VM 'DC0_C0_RP0_VM1': InvalidPowerState/);
  });

  it('one task per VM and connection until its wait ends; questions answered per auto_answer', async () => {
    const vm = await vmNamed('DC0_C0_RP0_VM2');
    await (await new VirtualMachineHandle(c, vm).powerOff()).wait();
    await sim.armQuestion(vm.value, { kind: 'serial', cancelable: true });
    const first = await new VirtualMachineHandle(c, vm).powerOn();
    await assert.rejects(
      new VirtualMachineHandle(c, vm).reset(),
      (e: unknown) => e instanceof InvalidStateError && /another task started by this connection/.test(e.message),
    );
    const err = await first.wait().catch((e: unknown) => e);
    assert.ok(err instanceof QuestionError, String(err));
    assert.match(err.message, /\(task cancelled\)/);

    await sim.armQuestion(vm.value, { kind: 'serial' });
    const info = await (await new VirtualMachineHandle(auto, vm).powerOn()).wait();
    assert.equal(info.state, 'success');
    assert.equal(await powerState(vm), 'poweredOn');
  });

  it('snapshots: create, revert and remove through the VM and snapshot handles', async () => {
    const ref = await vmNamed('DC0_C0_RP0_VM3');
    const vm = new VirtualMachineHandle(c, ref);
    const created = await (await vm.createSnapshot({ name: 'before', memory: false, quiesce: false })).wait();
    const snap = created.result as MoRef<'VirtualMachineSnapshot'>;
    assert.equal(snap.type, 'VirtualMachineSnapshot');
    const tree = (): Promise<VirtualMachineSnapshotTree[]> =>
      retrieveOne(c, ref, [VirtualMachineProps.snapshot]).then((r) => prop(r, VirtualMachineProps.snapshot)?.rootSnapshotList ?? []);
    assert.deepEqual(
      (await tree()).map((t) => t.name),
      ['before'],
    );
    await (await vm.snapshot(snap).revert()).wait();
    await (await vm.snapshot(snap).remove({ removeChildren: false })).wait();
    assert.deepEqual(await tree(), []);
  });
});
