/**
 * Pools through bin/esxvirt against esxvirt's simulator: a local, a VMFS and an NFS datastore and an iSCSI target on
 * an ESX host; the datastores of one host through a vCenter. Layouts are virsh 9.0's (captured from virsh against
 * the simulator, see docs/storage.md); values come from the simulator. Run `npm run build` first.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parsePoolXml, parseVolumeXml, formatPoolXml } from '../../src/conf/index.js';
import { startStorageTarget, type StorageTarget } from './storage-support.js';

const IQN = 'iqn.2024-01.com.example:storage';
const LUN1 = '/vmfs/devices/disks/naa.60014050000000000000000000000001';
const md5Uuid = (s: string): string =>
  createHash('md5')
    .update(s)
    .digest('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
const SIZE = /\d+\.\d\d (B|KiB|MiB|GiB|TiB)/.source;

describe('pools on an ESX host: local, VMFS and NFS datastores, an iSCSI target', () => {
  let t: StorageTarget;
  before(async () => {
    t = await startStorageTarget({ model: 'esx', datastores: 3, datastoreKinds: ['local', 'vmfs', 'nfs'], iscsi: true });
  });
  after(async () => t?.stop());

  it('pool-list: every pool, sorted case-insensitively, active and autostarted (virsh layout)', async () => {
    assert.equal(
      await t.ok('pool-list', '--all'),
      [
        ' Name                              State    Autostart',
        '-------------------------------------------------------',
        ` ${IQN}   active   yes`,
        ' LocalDS_0                         active   yes',
        ' LocalDS_1                         active   yes',
        ' LocalDS_2                         active   yes',
        '',
        '',
      ].join('\n'),
    );
    assert.equal(await t.ok('pool-list', '--inactive'), ' Name   State   Autostart\n---------------------------\n\n');
    assert.equal(await t.ok('pool-list', '--name'), `${IQN}\nLocalDS_0           \nLocalDS_1           \nLocalDS_2           \n\n`);
    assert.equal((await t.ok('pool-list', '--type', 'netfs,iscsi', '--name')).split('\n').filter(Boolean).length, 2);
  });

  it('pool-list --details: capacities as virsh prints them; iSCSI pools have none', async () => {
    const lines = (await t.ok('pool-list', '--details')).split('\n');
    assert.match(lines[0] as string, /^ Name {30}State {5}Autostart {3}Persistent {3}Capacity +Allocation +Available$/);
    assert.match(lines[1] as string, /^-+$/);
    assert.match(lines[2] as string, /^ iqn\.2024-01\.com\.example:storage {3}running {3}yes {9}yes {10}0\.00 B +0\.00 B +0\.00 B$/);
    for (const l of lines.slice(3, 6))
      assert.match(l, new RegExp(`^ LocalDS_\\d {25}running {3}yes {9}yes {10}${SIZE} +${SIZE} +${SIZE}$`));
    const r = await t.cli('pool-list', '--details', '--name');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'error: Options --details and --name are mutually exclusive\n');
  });

  it('pool-info, pool-uuid, pool-name: the UUID is the MD5 of the mount path (libvirt)', async () => {
    const xml = parsePoolXml(await t.ok('pool-dumpxml', 'LocalDS_0'));
    const path = xml.target?.path as string;
    assert.equal(path, await t.poolDir('LocalDS_0'));
    const uuid = md5Uuid(path);
    const info = await t.ok('pool-info', 'LocalDS_0');
    assert.match(
      info,
      new RegExp(
        `^Name: {11}LocalDS_0\nUUID: {11}${uuid}\nState: {10}running\nPersistent: {5}yes\nAutostart: {6}yes\nCapacity: {7}${SIZE}\nAllocation: {5}${SIZE}\nAvailable: {6}${SIZE}\n\n$`,
      ),
    );
    assert.match(await t.ok('pool-info', '--bytes', 'LocalDS_0'), /\nCapacity: {7}\d+\nAllocation: {5}\d+\nAvailable: {6}\d+\n\n$/);
    assert.equal(await t.ok('pool-uuid', 'LocalDS_0'), `${uuid}\n\n`);
    assert.equal(await t.ok('pool-name', uuid), 'LocalDS_0\n\n');
    assert.equal(await t.ok('pool-info', uuid), info);
    const json = JSON.parse(await t.ok('--json', 'pool-info', 'LocalDS_0')) as Record<string, unknown>;
    assert.equal((json.capacity as number) - (json.available as number), json.allocation);
  });

  it('pool-dumpxml: dir, fs (vmfs), netfs (nfs) and iscsi as libvirt formats them', async () => {
    for (const [name, type] of [
      ['LocalDS_0', 'dir'],
      ['LocalDS_1', 'fs'],
      ['LocalDS_2', 'netfs'],
      [IQN, 'iscsi'],
    ] as const) {
      const text = await t.ok('pool-dumpxml', name);
      const def = parsePoolXml(text);
      assert.equal(def.type, type, name);
      assert.equal(`${formatPoolXml(def)}\n`, text, `${name}: canonical layout`);
      assert.deepEqual(def.target?.permissions, { mode: 0, owner: 0, group: 0 });
    }
    assert.deepEqual(parsePoolXml(await t.ok('pool-dumpxml', 'LocalDS_1')).source, { format: 'vmfs' });
    assert.deepEqual(parsePoolXml(await t.ok('pool-dumpxml', 'LocalDS_2')).source, {
      hosts: [{ name: 'nfs.example.com' }],
      dir: '/export/LocalDS_2',
      format: 'nfs',
    });
    const iscsi = await t.ok('pool-dumpxml', IQN);
    assert.match(iscsi, /<uuid>2cb13e58-da54-a164-710b-e7dcd72f4094<\/uuid>/);
    assert.match(
      iscsi,
      /<source>\n {4}<host name='192\.0\.2\.10' port='3260'\/>\n {4}<initiator>\n {6}<iqn name='iqn\.2024-01\.com\.example:storage'\/>/,
    );
    assert.match(iscsi, /<target>\n {4}<permissions>/);
  });

  it('pool-refresh and pool-autostart: libvirt messages; autostart cannot be turned off', async () => {
    assert.equal(await t.ok('pool-refresh', 'LocalDS_1'), 'Pool LocalDS_1 refreshed\n\n');
    assert.equal(await t.ok('pool-refresh', IQN), `Pool ${IQN} refreshed\n\n`);
    assert.equal(await t.ok('--quiet', 'pool-refresh', 'LocalDS_1'), '');
    assert.equal(await t.ok('pool-autostart', 'LocalDS_0'), 'Pool LocalDS_0 marked as autostarted\n\n');
    const off = await t.fails('pool-autostart', 'LocalDS_0', '--disable');
    assert.equal(off.message, 'internal error: Cannot deactivate storage pool autostart');
  });

  it('unknown pools: libvirt words, by name and by UUID', async () => {
    assert.equal((await t.fails('pool-info', 'nope')).message, "Storage pool not found: Could not find storage pool with name 'nope'");
    const z = '00000000-0000-0000-0000-000000000000';
    assert.equal((await t.fails('pool-name', z)).message, `Storage pool not found: Could not find storage pool with uuid '${z}'`);
  });

  it('iSCSI target: its LUNs are block volumes, read-only', async () => {
    assert.equal(
      await t.ok('vol-list', IQN, '--details'),
      [
        ' Name                                                       Path                                                       Type    Capacity   Allocation',
        '------------------------------------------------------------------------------------------------------------------------------------------------------',
        ` ${LUN1}   ${LUN1}   block   1.00 GiB   1.00 GiB`,
        ` ${LUN1.replace(/1$/, '2')}   ${LUN1.replace(/1$/, '2')}   block   2.00 GiB   2.00 GiB`,
        '',
        '',
      ].join('\n'),
    );
    assert.equal(
      await t.ok('vol-info', LUN1),
      `Name:           ${LUN1}\nType:           block\nCapacity:       1.00 GiB\nAllocation:     1.00 GiB\n\n`,
    );
    const def = parseVolumeXml(await t.ok('vol-dumpxml', '--pool', IQN, LUN1));
    assert.deepEqual(def, { type: 'block', name: LUN1, key: def.key, capacity: 2 ** 30, allocation: 2 ** 30, target: { path: LUN1 } });
    assert.equal(await t.ok('vol-name', def.key as string), `${LUN1}\n\n`);
    assert.equal(await t.ok('vol-pool', LUN1), `${IQN}\n\n`);
    assert.equal(
      (await t.fails('vol-create-as', IQN, 'x.vmdk', '1G')).message,
      'unsupported configuration: iSCSI storage pool does not support volume creation',
    );
    assert.match((await t.fails('vol-delete', LUN1)).message, /iSCSI storage pool does not support volume deletion/);
  });
});

describe('pools through a vCenter: the datastores of the connection host', () => {
  let t: StorageTarget;
  before(async () => {
    t = await startStorageTarget({ model: 'vpx', datastores: 2 });
  });
  after(async () => t?.stop());

  it('pool-list, pool-info and pool-dumpxml of the host DC0_C0_H0', async () => {
    assert.equal(
      await t.ok('pool-list'),
      ' Name        State    Autostart\n---------------------------------\n LocalDS_0   active   yes\n LocalDS_1   active   yes\n\n',
    );
    const def = parsePoolXml(await t.ok('pool-dumpxml', 'LocalDS_1'));
    assert.equal(def.type, 'dir');
    assert.equal(def.uuid, md5Uuid(def.target?.path as string));
    assert.match(await t.ok('pool-info', 'LocalDS_1'), /^Name: {11}LocalDS_1\n/);
  });
});
