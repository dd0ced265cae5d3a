import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { fakeContext } from './fake-context.js';
import { datastoreUrlMatches, Inventory, vmIdOf, vmRefCandidates } from './inventory.js';
import { splitInventoryPath } from './inventory-path.js';
import type { ManagedObjectReference } from '../soap/codec.js';

test('VM ids: the number at the end of the MOR value, both MOR spellings tried', () => {
  assert.equal(vmIdOf({ type: 'VirtualMachine', value: 'vm-42' }), 42);
  assert.equal(vmIdOf({ type: 'VirtualMachine', value: '17' }), 17);
  assert.equal(vmIdOf({ type: 'VirtualMachine', value: 'odd' }), undefined);
  assert.deepEqual(vmRefCandidates(42, true), ['vm-42', '42']);
  assert.deepEqual(vmRefCandidates(42, false), ['42', 'vm-42']);
});

test('datastore URL matching by URL or volume UUID', () => {
  const url = 'ds:///vmfs/volumes/4b0beb69-d6a7d2a7-f9b1-001b2175b5e0/';
  assert.ok(datastoreUrlMatches(url, 'ds:///vmfs/volumes/4b0beb69-d6a7d2a7-f9b1-001b2175b5e0'));
  assert.ok(datastoreUrlMatches(url, '4B0BEB69-D6A7D2A7-F9B1-001B2175B5E0'));
  assert.ok(!datastoreUrlMatches(url, '4b0beb69'));
  assert.ok(!datastoreUrlMatches(url, 'ds:///vmfs/volumes/other/'));
  assert.deepEqual(splitInventoryPath('/folder1//dc1/'), ['folder1', 'dc1']);
});

/** A vCenter tree: root → folder1 → dc1 → (host folder) → cluster1 → esx1/esx2, and host folder → standalone. */
function tree() {
  const ref = (type: string, value: string): ManagedObjectReference => ({ type, value });
  const children: Record<string, Record<string, ManagedObjectReference>> = {
    'group-d1': { folder1: ref('Folder', 'f1'), dc0: ref('Datacenter', 'dc-0') },
    f1: { dc1: ref('Datacenter', 'dc-1') },
    'host-folder-1': { cluster1: ref('ClusterComputeResource', 'c1'), standalone: ref('ComputeResource', 'cr2'), sub: ref('Folder', 'f2') },
    f2: { deep: ref('ComputeResource', 'cr3') },
    c1: { esx1: ref('HostSystem', 'h1'), esx2: ref('HostSystem', 'h2'), Resources: ref('ResourcePool', 'rp1') },
    cr2: { standalone: ref('HostSystem', 'h3') },
    cr3: { deep: ref('HostSystem', 'h4') },
  };
  const props: Record<string, Record<string, unknown>> = {
    'dc-1': {
      name: 'dc1',
      vmFolder: ref('Folder', 'vm-folder-1'),
      hostFolder: ref('Folder', 'host-folder-1'),
      datastoreFolder: ref('Folder', 'ds-folder-1'),
    },
    c1: { name: 'cluster1', host: [ref('HostSystem', 'h1'), ref('HostSystem', 'h2')], resourcePool: ref('ResourcePool', 'rp1') },
    cr2: { name: 'standalone', host: [ref('HostSystem', 'h3')], resourcePool: ref('ResourcePool', 'rp2') },
    cr3: { name: 'deep', host: [ref('HostSystem', 'h4')], resourcePool: ref('ResourcePool', 'rp3') },
    h3: { name: 'standalone' },
  };
  return fakeContext({
    FindChild: (p) => children[(p.entity as ManagedObjectReference).value]?.[p.name as string],
    FindByInventoryPath: () => undefined,
    RetrievePropertiesEx: (p) => {
      const spec = (p.specSet as { objectSet: { obj: ManagedObjectReference }[]; propSet: { pathSet: string[] }[] }[])[0];
      const obj = spec?.objectSet[0]?.obj as ManagedObjectReference;
      const values = props[obj.value] ?? {};
      return {
        objects: [
          { obj, propSet: (spec?.propSet[0]?.pathSet ?? []).filter((n) => n in values).map((name) => ({ name, val: values[name] })) },
        ],
      };
    },
  });
}

test('host context through folders and a cluster; cached per path', async () => {
  const ctx = tree();
  const inv = new Inventory(ctx);
  const hc = await inv.hostContext('folder1/dc1/cluster1/esx2');
  assert.equal(hc.datacenter.path, 'folder1/dc1');
  assert.equal(hc.datacenter.name, 'dc1');
  assert.deepEqual(hc.computeResource, { type: 'ClusterComputeResource', value: 'c1' });
  assert.ok(hc.isCluster);
  assert.deepEqual(hc.hostSystem, { type: 'HostSystem', value: 'h2' });
  assert.equal(hc.hostSystemName, 'esx2');
  assert.deepEqual(hc.resourcePool, { type: 'ResourcePool', value: 'rp1' });
  const calls = ctx.calls.length;
  assert.equal(await inv.hostContext('/folder1/dc1/cluster1/esx2/'), hc);
  assert.equal(ctx.calls.length, calls, 'second lookup served from the cache');
});

test('host context: standalone host with or without its name, compute resources in folders', async () => {
  const inv = new Inventory(tree());
  const a = await inv.hostContext('folder1/dc1/standalone');
  assert.equal(a.hostSystem.value, 'h3');
  assert.equal(a.hostSystemName, 'standalone');
  assert.ok(!a.isCluster);
  assert.equal((await inv.hostContext('folder1/dc1/standalone/standalone')).hostSystem.value, 'h3');
  assert.equal((await inv.hostContext('folder1/dc1/sub/deep/deep')).hostSystem.value, 'h4');
});

test('host context errors say which part of the path is wrong', async () => {
  const inv = new Inventory(tree());
  await assert.rejects(
    inv.hostContext('nope/x'),
    (e: unknown) => e instanceof NotFoundError && /no datacenter or folder 'nope' in '\/'/.test(e.message),
  );
  await assert.rejects(
    inv.hostContext('folder1/dc1/cluster1'),
    (e: unknown) => e instanceof InvalidArgumentError && /names cluster 'cluster1' but no host/.test(e.message),
  );
  await assert.rejects(inv.hostContext('folder1/dc1/cluster1/esx9'), /no host 'esx9' in cluster 'cluster1'/);
  await assert.rejects(inv.hostContext('folder1/dc1/cluster1/esx1/extra'), /continues after host 'esx1'/);
  await assert.rejects(inv.hostContext('folder1/dc1'), /names no host/);
  await assert.rejects(inv.hostContext(''), InvalidArgumentError);
  await assert.rejects(inv.datacenter('folder1/dc1/cluster1'), NotFoundError);
  assert.equal((await inv.datacenter('folder1/dc1')).ref.value, 'dc-1');
});
