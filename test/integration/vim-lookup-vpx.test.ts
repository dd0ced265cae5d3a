import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError, NotFoundError } from '../../src/errors.js';
import type { VimClient } from '../../src/vim25/client.js';
import { CreateDatacenter, CreateFolder } from '../../src/vim25/generated/methods.js';
import type { MoRef } from '../../src/vim25/generated/types.js';
import { vmIdOf } from '../../src/vim25/inventory.js';
import { VirtualMachineProps } from '../../src/vim25/generated/props.js';
import { prop, retrieveOne } from '../../src/vim25/property.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { connectTo } from './support.js';

describe('vim25 lookups on a vCenter (simulator)', () => {
  let sim: Simulator;
  let c: VimClient;
  before(async () => {
    sim = await startSimulator({ model: 'vpx', quiet: true });
    c = await connectTo(sim);
  });
  after(async () => {
    await c?.close();
    await sim?.stop();
  });

  it('resolves datacenter/cluster/host and datacenter/host paths, cached', async () => {
    assert.ok(c.isVCenter);
    const hc = await c.inventory.hostContext('DC0/DC0_C0/DC0_C0_H1');
    assert.equal(hc.datacenter.name, 'DC0');
    assert.equal(hc.computeResourceName, 'DC0_C0');
    assert.ok(hc.isCluster);
    assert.equal(hc.hostSystemName, 'DC0_C0_H1');
    assert.equal(hc.resourcePool.type, 'ResourcePool');
    const calls = c.stats.soapCalls;
    assert.equal(await c.inventory.hostContext('/DC0/DC0_C0/DC0_C0_H1'), hc);
    assert.equal(c.stats.soapCalls, calls);

    const standalone = await c.inventory.hostContext('DC0/DC0_H0');
    assert.ok(!standalone.isCluster);
    assert.equal(standalone.hostSystemName, 'DC0_H0');
    assert.equal((await c.inventory.hostContext('DC0/DC0_H0/DC0_H0')).hostSystem.value, standalone.hostSystem.value);
  });

  it('explains bad paths', async () => {
    await assert.rejects(c.inventory.hostContext('DCX/DC0_H0'), (e: unknown) => e instanceof NotFoundError && /'DCX'/.test(e.message));
    await assert.rejects(c.inventory.hostContext('DC0/DC0_C0'), InvalidArgumentError);
    await assert.rejects(c.inventory.hostContext('DC0/DC0_C0/nohost'), /no host 'nohost' in cluster 'DC0_C0'/);
    await assert.rejects(c.inventory.hostContext(), InvalidArgumentError);
  });

  it('finds a datacenter that sits in a folder (folder1/dc1)', async () => {
    const folder = await CreateFolder(c.soap, c.serviceContent.rootFolder, { name: 'folder1' });
    const dcRef = await CreateDatacenter(c.soap, folder, { name: 'dc1' });
    const dc = await c.inventory.datacenter('folder1/dc1');
    assert.deepEqual(dc.ref, dcRef);
    assert.equal(dc.path, 'folder1/dc1');
    assert.equal(dc.vmFolder.type, 'Folder');
    await assert.rejects(c.inventory.hostContext('folder1/dc1'), /names no host/);
    await assert.rejects(c.inventory.datacenter('folder1'), NotFoundError);
  });

  it('finds VMs by name, BIOS UUID and numeric id (vm-N)', async () => {
    const vm = (await c.inventory.findVmByName('DC0_C0_RP0_VM1')) as MoRef<'VirtualMachine'>;
    assert.match(vm.value, /^vm-\d+$/);
    assert.deepEqual(await c.inventory.findVmByName('DC0_C0_RP0_VM1', { datacenterPath: 'DC0' }), vm);
    const hc = await c.inventory.hostContext('DC0/DC0_C0/DC0_C0_H0');
    assert.deepEqual(await c.inventory.findVmByName('DC0_C0_RP0_VM1', { container: hc.datacenter.ref }), vm);
    const uuid = prop(await retrieveOne(c, vm, [VirtualMachineProps.uuid]), VirtualMachineProps.uuid) as string;
    assert.deepEqual(await c.inventory.findVmByUuid(uuid, { datacenter: hc.datacenter.ref }), vm);
    const before = c.stats.soapCalls;
    assert.deepEqual(await c.inventory.findVmById(vmIdOf(vm) as number), vm);
    assert.equal(c.stats.soapCalls - before, 1, 'vm-N tried first on vCenter');
    assert.equal((await c.inventory.findDatastoreByName('LocalDS_0'))?.name, 'LocalDS_0');
  });
});
