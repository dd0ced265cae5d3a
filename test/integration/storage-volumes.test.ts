/**
 * Volumes through bin/esxvirt against esxvirt's simulator: creating thin, zeroedthick and eagerzeroedthick disks
 * (checked on the host's side), copies within and across datastores with and without conversion, resize, wipe,
 * delete, awkward names, and the refusals users meet (exists, '..', locked, read-only licence, vCenter conversion).
 * Run `npm run build` first.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseVolumeXml } from '../../src/conf/index.js';
import { hostDisk, restrictLicence } from '../harness/storage-control.js';
import { partialFiles, startStorageTarget, type StorageTarget } from './storage-support.js';

const MiB = 1024 * 1024;
const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-vol-'));
const file = (name: string, text: string): string => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe('volumes on an ESX host', () => {
  let t: StorageTarget;
  const disk = (path: string) => hostDisk(t.sim, path);
  before(async () => {
    t = await startStorageTarget({ model: 'esx', datastores: 2 });
  });
  after(async () => t?.stop());

  it('vol-create-as: the allocation chooses thin (0) or zeroedthick (the capacity, or none), --type eagerzeroedthick', async () => {
    assert.equal(
      await t.ok('vol-create-as', 'LocalDS_0', 'd/thin.vmdk', '64M', '--format', 'vmdk', '--allocation', '0'),
      'Vol d/thin.vmdk created\n\n',
    );
    await t.ok('vol-create-as', 'LocalDS_0', 'd/thick.vmdk', '16M');
    await t.ok('vol-create-as', 'LocalDS_0', 'd/same.vmdk', '16M', '--allocation', '16M');
    await t.ok('vol-create-as', 'LocalDS_0', 'd/eager.vmdk', '16M', '--type', 'eagerzeroedthick');
    assert.deepEqual(
      [
        await disk('[LocalDS_0] d/thin.vmdk'),
        await disk('[LocalDS_0] d/thick.vmdk'),
        await disk('[LocalDS_0] d/same.vmdk'),
        await disk('[LocalDS_0] d/eager.vmdk'),
      ].map((d) => [d.kind, d.capacity, d.createType, d.adapterType]),
      [
        ['thin', 64 * MiB, 'vmfs', 'lsilogic'],
        ['preallocated', 16 * MiB, 'vmfs', 'lsilogic'],
        ['preallocated', 16 * MiB, 'vmfs', 'lsilogic'],
        ['eagerZeroedThick', 16 * MiB, 'vmfs', 'lsilogic'],
      ],
    );
    assert.ok(((await disk('[LocalDS_0] d/thin.vmdk')).allocated as number) < MiB, 'a thin disk takes no space yet');
    assert.equal((await disk('[LocalDS_0] d/thick.vmdk')).allocated, 16 * MiB);
    const info = await t.ok('vol-info', '--pool', 'LocalDS_0', 'd/thin.vmdk');
    assert.match(info, /^Name: {11}d\/thin\.vmdk\nType: {11}file\nCapacity: {7}64\.00 MiB\nAllocation: {5}\d+\.00 B\n\n$/);
    const between = await t.fails('vol-create-as', 'LocalDS_0', 'd/odd.vmdk', '16M', '--allocation', '5M');
    assert.equal(between.message, 'internal error: Unsupported capacity-to-allocation relation');
  });

  it('vol-create from XML; --adapter; libvirt refusals of other formats and suffixes', async () => {
    const xml = file(
      'v.xml',
      "<volume>\n  <name>d/fromxml.vmdk</name>\n  <capacity unit='M'>8</capacity>\n  <allocation>0</allocation>\n  <target><format type='vmdk'/></target>\n</volume>\n",
    );
    assert.equal(await t.ok('vol-create', 'LocalDS_0', xml, '--adapter', 'ide'), `Vol d/fromxml.vmdk created from ${xml}\n\n`);
    const d = await disk('[LocalDS_0] d/fromxml.vmdk');
    assert.deepEqual([d.kind, d.capacity, d.adapterType], ['thin', 8 * MiB, 'ide']);
    assert.equal(
      (await t.fails('vol-create-as', 'LocalDS_0', 'd/x.raw', '1M')).message,
      "unsupported configuration: Volume name 'd/x.raw' has unsupported suffix, expecting '.vmdk'",
    );
    assert.equal(
      (await t.fails('vol-create-as', 'LocalDS_0', 'd/x.vmdk', '1M', '--format', 'qcow2')).message,
      'unsupported configuration: Creation of qcow2 volumes is not supported',
    );
    assert.equal((await t.fails('vol-create-as', 'LocalDS_0', 'd/x.vmdk', '10X')).message, 'Malformed size 10X');
  });

  it('the key is the disk UUID (stable); vol-path, vol-name, vol-pool, vol-dumpxml agree', async () => {
    const key = (await t.ok('vol-key', '--pool', 'LocalDS_0', 'd/thick.vmdk')).trim();
    assert.match(key, /^6000c2[0-9a-f]{2}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(await t.ok('vol-key', '[LocalDS_0] d/thick.vmdk'), `${key}\n\n`);
    assert.equal(await t.ok('vol-path', key), '[LocalDS_0] d/thick.vmdk\n\n');
    assert.equal(await t.ok('vol-name', key), 'd/thick.vmdk\n\n');
    assert.equal(await t.ok('vol-pool', key), 'LocalDS_0\n\n');
    assert.equal(
      await t.ok('vol-dumpxml', key),
      `<volume type='file'>\n  <name>d/thick.vmdk</name>\n  <key>${key}</key>\n  <capacity unit='bytes'>16777216</capacity>\n  <allocation unit='bytes'>${16 * MiB + readFileSync(join(await t.poolDir('LocalDS_0'), 'd/thick.vmdk')).length}</allocation>\n  <target>\n    <path>[LocalDS_0] d/thick.vmdk</path>\n    <format type='vmdk'/>\n  </target>\n</volume>\n\n`,
    );
  });

  it('vol-clone keeps the type; vol-create-from copies to another datastore, the allocation or --type converting', async () => {
    assert.equal(
      await t.ok('vol-clone', '--pool', 'LocalDS_0', 'd/thin.vmdk', 'd/thin-copy.vmdk'),
      'Vol d/thin-copy.vmdk cloned from d/thin.vmdk\n\n',
    );
    assert.equal((await disk('[LocalDS_0] d/thin-copy.vmdk')).kind, 'thin');
    const xml = file(
      'c.xml',
      "<volume><name>copies/thick.vmdk</name><capacity unit='M'>64</capacity><allocation unit='M'>64</allocation></volume>",
    );
    assert.equal(
      await t.ok('vol-create-from', 'LocalDS_1', xml, '--inputpool', 'LocalDS_0', 'd/thin.vmdk'),
      'Vol copies/thick.vmdk created from input vol d/thin.vmdk\n\n',
    );
    assert.deepEqual(
      [(await disk('[LocalDS_1] copies/thick.vmdk')).kind, (await disk('[LocalDS_1] copies/thick.vmdk')).capacity],
      ['preallocated', 64 * MiB],
    );
    await t.ok('vol-clone', '[LocalDS_0] d/thick.vmdk', 'd/eager-copy.vmdk', '--type', 'eagerzeroedthick', '--target-pool', 'LocalDS_1');
    assert.equal((await disk('[LocalDS_1] d/eager-copy.vmdk')).kind, 'eagerZeroedThick');
    assert.match(
      (await t.fails('vol-clone', '--pool', 'LocalDS_0', 'd/thin.vmdk', 'd/thin-copy.vmdk')).message,
      /storage volume 'd\/thin-copy\.vmdk' already exists in pool 'LocalDS_0'/,
    );
  });

  it('vol-resize grows (also --delta); shrinking is refused', async () => {
    assert.equal(
      await t.ok('vol-resize', '--pool', 'LocalDS_0', 'd/thin.vmdk', '128M'),
      "Size of volume 'd/thin.vmdk' successfully changed to 128M\n\n",
    );
    assert.equal((await disk('[LocalDS_0] d/thin.vmdk')).capacity, 128 * MiB);
    await t.ok('vol-resize', '--pool', 'LocalDS_0', 'd/thick.vmdk', '16M', '--delta', '--allocate');
    assert.deepEqual(
      [(await disk('[LocalDS_0] d/thick.vmdk')).capacity, (await disk('[LocalDS_0] d/thick.vmdk')).allocated],
      [32 * MiB, 32 * MiB],
    );
    assert.equal(
      (await t.fails('vol-resize', '--pool', 'LocalDS_0', 'd/thin.vmdk', '1M')).message,
      "Can't shrink capacity below current capacity unless shrink flag explicitly specified",
    );
    assert.equal(
      (await t.fails('vol-resize', '--pool', 'LocalDS_0', 'd/thin.vmdk', '1M', '--shrink')).message,
      'unsupported configuration: ESX cannot shrink virtual disks',
    );
  });

  it('vol-wipe zero-fills a disk (the server) and any other file (overwritten)', async () => {
    const dir = await t.poolDir('LocalDS_0');
    writeFileSync(join(dir, 'd/thick-flat.vmdk'), Buffer.alloc(4096, 7), { flag: 'r+' });
    assert.equal(await t.ok('vol-wipe', '--pool', 'LocalDS_0', 'd/thick.vmdk'), 'Vol d/thick.vmdk wiped\n\n');
    assert.ok(
      readFileSync(join(dir, 'd/thick-flat.vmdk'))
        .subarray(0, 8192)
        .every((b) => b === 0),
    );
    writeFileSync(join(dir, 'd/notes.txt'), 'secret');
    await t.ok('vol-wipe', '[LocalDS_0] d/notes.txt');
    assert.deepEqual(readFileSync(join(dir, 'd/notes.txt')), Buffer.alloc(6));
    assert.match(
      (await t.fails('vol-wipe', '--pool', 'LocalDS_0', 'd/thick.vmdk', '--algorithm', 'dod')).message,
      /algorithm 'dod' is not supported/,
    );
  });

  it('names with spaces, [ ], % and non-ASCII characters are escaped as VMware does, and found by either name', async () => {
    const name = 'odd dir/ä b[1]%.vmdk';
    assert.equal(await t.ok('vol-create-as', 'LocalDS_0', name, '1M', '--allocation', '0'), `Vol ${name} created\n\n`);
    // libvirt's ESX driver stores this very name so (virsh vol-list against the simulator).
    const stored = 'odd dir/+w6Q- b+Ww-1+XSU-25.vmdk';
    assert.match(await t.ok('vol-list', 'LocalDS_0'), new RegExp(` ${stored.replace(/[[\]+.]/g, '\\$&')} +\\[LocalDS_0\\] `));
    const byStored = await t.ok('vol-info', '--pool', 'LocalDS_0', stored);
    assert.equal(await t.ok('vol-info', '--pool', 'LocalDS_0', name), byStored);
    assert.equal(parseVolumeXml(await t.ok('vol-dumpxml', `[LocalDS_0] ${stored}`)).name, stored);
    assert.equal(await t.ok('vol-delete', '--pool', 'LocalDS_0', name), `Vol ${name} deleted\n\n`);
    assert.equal((await hostDisk(t.sim, `[LocalDS_0] ${stored}`)).exists, false);
  });

  it("refuses names leaving the pool ('..', absolute paths)", async () => {
    for (const bad of ['../escape.vmdk', 'd/../../escape.vmdk', '/etc/escape.vmdk']) {
      const r = await t.fails('vol-create-as', 'LocalDS_0', bad, '1M');
      assert.equal(r.status, 2, bad);
      assert.match(r.message, /invalid (volume )?name/, bad);
    }
    const up = await t.fails('vol-upload', '--pool', 'LocalDS_0', '../../x.iso', file('x.iso', 'x'));
    assert.match(up.message, /invalid (volume )?name/);
  });

  it('vol-delete removes a disk with its extent; a running VM holds its disk locked', async () => {
    const dir = await t.poolDir('LocalDS_0');
    assert.equal(await t.ok('vol-delete', '[LocalDS_0] d/same.vmdk'), 'Vol [LocalDS_0] d/same.vmdk deleted\n\n');
    assert.ok(!readFileSync(join(dir, 'd/thin.vmdk'), 'utf8').includes('same'));
    assert.equal((await disk('[LocalDS_0] d/same.vmdk')).exists, false);
    const locked = await t.fails('vol-delete', '--pool', 'LocalDS_0', 'ha-host_VM0/disk1.vmdk');
    assert.equal(
      locked.message,
      "Requested operation is not valid: cannot delete volume 'ha-host_VM0/disk1.vmdk': volume 'ha-host_VM0/disk1.vmdk' is locked (in use by a running VM)",
    );
    assert.equal(
      (await t.fails('vol-info', '--pool', 'LocalDS_0', 'd/same.vmdk')).message,
      "Storage volume not found: no storage volume with matching name, key or path 'd/same.vmdk'",
    );
  });

  it('a read-only licence (ESXi free) is named as the reason writes fail', async () => {
    await restrictLicence(t.sim, true);
    try {
      assert.equal(
        (await t.fails('vol-create-as', 'LocalDS_0', 'd/free.vmdk', '1M')).message,
        "unsupported configuration: cannot create volume 'd/free.vmdk': the server's licence forbids writes through the API (ESXi free edition); CreateVirtualDisk_Task was refused",
      );
      const up = await t.fails('vol-upload', '--pool', 'LocalDS_0', 'd/free.iso', file('free.iso', 'iso'));
      assert.match(
        up.message,
        /licence forbids writes through the API .*MoveDatastoreFile_Task was refused; the partial file \[LocalDS_0\] d\/\.free\.iso\.esxvirt-.*\.part could not be removed$/,
      );
    } finally {
      await restrictLicence(t.sim, false);
    }
    const dir = await t.poolDir('LocalDS_0');
    for (const p of partialFiles(dir)) await t.ok('vol-delete', `[LocalDS_0] ${p}`);
    assert.deepEqual(partialFiles(dir), []);
  });
});

describe('volumes through a vCenter', () => {
  let t: StorageTarget;
  before(async () => {
    t = await startStorageTarget({ model: 'vpx' });
  });
  after(async () => t?.stop());

  it('create, clone (as it is), resize, delete; a conversion is left to vCenter, which cannot', async () => {
    await t.ok('vol-create-as', 'LocalDS_0', 'v/a.vmdk', '8M', '--allocation', '0');
    assert.equal((await hostDisk(t.sim, '[LocalDS_0] v/a.vmdk')).kind, 'thin');
    await t.ok('vol-clone', '--pool', 'LocalDS_0', 'v/a.vmdk', 'v/b.vmdk');
    assert.equal((await hostDisk(t.sim, '[LocalDS_0] v/b.vmdk')).kind, 'thin');
    assert.equal(
      (await t.fails('vol-clone', '--pool', 'LocalDS_0', 'v/a.vmdk', 'v/c.vmdk', '--type', 'zeroedthick')).message,
      "unsupported configuration: cannot clone volume 'v/a.vmdk' to 'v/c.vmdk': vCenter copies disks as they are (no destSpec): connect to the ESX host to change the type or adapter",
    );
    await t.ok('vol-resize', '--pool', 'LocalDS_0', 'v/b.vmdk', '16M');
    assert.equal((await hostDisk(t.sim, '[LocalDS_0] v/b.vmdk')).capacity, 16 * MiB);
    await t.ok('vol-delete', '--pool', 'LocalDS_0', 'v/b.vmdk');
    assert.equal((await hostDisk(t.sim, '[LocalDS_0] v/b.vmdk')).exists, false);
  });
});
