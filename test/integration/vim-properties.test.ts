import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError } from '../../src/errors.js';
import type { VimClient } from '../../src/vim25/client.js';
import { PowerOffVM_Task, PowerOnVM_Task, ReconfigVM_Task } from '../../src/vim25/generated/methods.js';
import type { MoRef } from '../../src/vim25/generated/types.js';
import { VirtualMachineProps } from '../../src/vim25/generated/props.js';
import { propertySpec, retrieveOne, retrievePages, viewObjectSpec, withContainerView } from '../../src/vim25/property.js';
import { PropertyWatcher } from '../../src/vim25/property-watch.js';
import { runVmTask } from '../../src/vim25/vm-task.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { connectTo } from './support.js';

const delta = (c: VimClient, before: Record<string, number>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [m, n] of Object.entries(c.stats.byMethod)) if (n !== (before[m] ?? 0)) out[m] = n - (before[m] ?? 0);
  return out;
};

describe('vim25 properties: paging, container views, updates, names (ESX simulator, 25 VMs)', () => {
  let sim: Simulator;
  let c: VimClient;
  before(async () => {
    sim = await startSimulator({ model: 'esx', vms: 25, quiet: true });
    c = await connectTo(sim, { pageSize: 10 });
  });
  after(async () => {
    await c?.close();
    await sim?.stop();
  });

  it('pages a listing across 3 pages with ContinueRetrievePropertiesEx', async () => {
    const before = { ...c.stats.byMethod };
    const vms = await c.inventory.listVms([VirtualMachineProps.name, VirtualMachineProps.powerState]);
    assert.equal(vms.length, 25);
    assert.equal(new Set(vms.map((v) => v.props.name)).size, 25);
    assert.ok(vms.every((v) => v.props[VirtualMachineProps.powerState] === 'poweredOn'));
    // on a single host VMs are found by one traversal from the root folder: no container view
    assert.deepEqual(delta(c, before), { RetrievePropertiesEx: 1, ContinueRetrievePropertiesEx: 2 });
  });

  it('lists all VMs in a constant number of calls when a page holds them all', async () => {
    const big = await connectTo(sim, { pageSize: 1000 });
    try {
      const before = { ...big.stats.byMethod };
      assert.equal((await big.inventory.listVms([VirtualMachineProps.name, VirtualMachineProps.powerState])).length, 25);
      assert.deepEqual(delta(big, before), { RetrievePropertiesEx: 1 });
    } finally {
      await big.close();
    }
  });

  it('follows a server-side page cap, and cancels the rest when the reader stops early', async () => {
    const uncapped = await connectTo(sim, { pageSize: 0 });
    try {
      await sim.setPageSize(7);
      const before = { ...uncapped.stats.byMethod };
      assert.equal((await uncapped.inventory.listVms([VirtualMachineProps.name])).length, 25);
      assert.equal(delta(uncapped, before).ContinueRetrievePropertiesEx, 3);
      const first = await withContainerView(uncapped, { types: ['VirtualMachine'] }, async (view) => {
        for await (const page of retrievePages(uncapped, [
          { propSet: [propertySpec('VirtualMachine', [VirtualMachineProps.name])], objectSet: [viewObjectSpec(view)] },
        ]))
          return page.length;
        return 0;
      });
      assert.equal(first, 7);
      assert.equal(uncapped.stats.byMethod.CancelRetrievePropertiesEx, 1);
    } finally {
      await sim.setPageSize(0);
      await uncapped.close();
    }
  });

  it('WaitForUpdatesEx sees a power state change made by another client', async () => {
    const vm = (await c.inventory.findVmByName('ha-host_VM3')) as MoRef<'VirtualMachine'>;
    const other = await connectTo(sim);
    const watcher = await PropertyWatcher.create(c, {
      propSet: [propertySpec('VirtualMachine', [VirtualMachineProps.powerState])],
      objectSet: [{ obj: vm, skip: false }],
    });
    try {
      await watcher.next({ maxWaitSeconds: 0 });
      assert.equal(watcher.get(vm)?.props[VirtualMachineProps.powerState], 'poweredOn');
      const change = watcher.waitUntil((w) => w.get(vm)?.props[VirtualMachineProps.powerState] === 'poweredOff', { timeoutMs: 15_000 });
      await runVmTask(other, vm, 'PowerOffVM_Task', () => PowerOffVM_Task(other.soap, vm));
      await change;
      assert.ok((c.stats.byMethod.WaitForUpdatesEx ?? 0) >= 2);
    } finally {
      await watcher.close();
      await runVmTask(other, vm, 'PowerOnVM_Task', () => PowerOnVM_Task(other.soap, vm, {}));
      await other.close();
    }
  });

  it('round-trips a VM name full of XML specials: a<b&c>"d\'e]]>f', async () => {
    const name = `a<b&c>"d'e]]>f`;
    const vm = (await c.inventory.findVmByName('ha-host_VM5')) as MoRef<'VirtualMachine'>;
    await runVmTask(c, vm, 'ReconfigVM_Task', () => ReconfigVM_Task(c.soap, vm, { spec: { name } }));
    assert.equal((await retrieveOne(c, vm, [VirtualMachineProps.name])).props.name, name);
    assert.deepEqual(await c.inventory.findVmByName(name), vm);
    assert.ok((await c.inventory.listVms([VirtualMachineProps.name])).some((r) => r.props.name === name));
  });

  it('reports a vanished object as NotFoundError', async () => {
    await assert.rejects(retrieveOne(c, { type: 'VirtualMachine', value: 'vm-999999' }, [VirtualMachineProps.name]), NotFoundError);
  });
});
