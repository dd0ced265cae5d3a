import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VimClient } from '../../src/vim25/client.js';
import type { MoRef } from '../../src/vim25/generated/types.js';
import { vmIdOf } from '../../src/vim25/inventory.js';
import { DatastoreProps, VirtualMachineProps } from '../../src/vim25/generated/props.js';
import { prop, retrieveOne } from '../../src/vim25/property.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { connectTo } from './support.js';

describe('vim25 lookups on an ESX host (simulator)', () => {
  let sim: Simulator;
  let c: VimClient;
  before(async () => {
    sim = await startSimulator({ model: 'esx', quiet: true });
    c = await connectTo(sim);
  });
  after(async () => {
    await c?.close();
    await sim?.stop();
  });

  it('resolves the host context once per connection: datacenter, compute resource, host, resource pool', async () => {
    const before = c.stats.soapCalls;
    const hc = await c.inventory.hostContext();
    assert.equal(c.stats.soapCalls - before, 1, 'one traversal from the root folder');
    assert.equal(hc.datacenter.name, 'ha-datacenter');
    assert.equal(hc.datacenter.path, 'ha-datacenter');
    assert.equal(hc.hostSystem.value, 'ha-host');
    assert.equal(hc.hostSystemName, 'localhost.localdomain');
    assert.equal(hc.computeResource.value, 'ha-compute-res');
    assert.equal(hc.resourcePool.value, 'ha-root-pool');
    assert.ok(!hc.isCluster);
    assert.equal(await c.inventory.hostContext(), hc);
    assert.equal(c.stats.soapCalls - before, 1, 'served from the cache');
  });

  it('finds VMs by name, BIOS UUID and numeric id', async () => {
    const vm = (await c.inventory.findVmByName('ha-host_VM1')) as MoRef<'VirtualMachine'>;
    assert.equal(vm.type, 'VirtualMachine');
    assert.equal(await c.inventory.findVmByName('no-such-vm'), undefined);
    const dc = await c.inventory.datacenter('ha-datacenter');
    assert.deepEqual(await c.inventory.findVmByName('ha-host_VM1', { datacenterPath: dc.path }), vm);

    const uuid = prop(await retrieveOne(c, vm, [VirtualMachineProps.uuid]), VirtualMachineProps.uuid) as string;
    assert.deepEqual(await c.inventory.findVmByUuid(uuid), vm);
    assert.deepEqual(await c.inventory.findVmByUuid(uuid, { datacenter: dc.ref }), vm);
    assert.equal(await c.inventory.findVmByUuid('00000000-0000-0000-0000-000000000000'), undefined);

    const id = vmIdOf(vm);
    assert.ok(id !== undefined);
    // A real ESX host's MOR values are the bare number; vcsim's ESX model writes vm-N: both spellings are tried.
    assert.deepEqual(await c.inventory.findVmById(id), vm);
    assert.equal(await c.inventory.findVmById(987654), undefined);
  });

  it('finds datastores by name, URL and volume id', async () => {
    const ds = await c.inventory.findDatastoreByName('LocalDS_0');
    assert.ok(ds);
    const url = prop(await retrieveOne(c, ds.ref, [DatastoreProps.url]), DatastoreProps.url) as string;
    assert.equal(ds.url, url);
    assert.deepEqual((await c.inventory.findDatastoreByUrl(url + '/'))?.ref, ds.ref);
    const volume = url.split('/').filter(Boolean).pop() as string;
    assert.deepEqual((await c.inventory.findDatastoreByUrl(volume))?.ref, ds.ref);
    assert.equal(await c.inventory.findDatastoreByName('nope'), undefined);
  });
});
