import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../errors.js';
import { unescapeDatastoreItem } from '../../escape.js';
import { checkVolumeName, diskKey, escapedVolumeName, isDiskName, md5Uuid, partialName, splitName, volumePathText } from './names.js';

test('names leaving the pool are refused', () => {
  for (const bad of [
    '../x.vmdk',
    'a/../../x.vmdk',
    'a/./x.vmdk',
    '/etc/x.vmdk',
    'C:\\x.vmdk',
    'a//x.vmdk',
    '',
    'a/\u0000.vmdk',
    'a/\n.vmdk',
  ]) {
    assert.throws(() => checkVolumeName(bad), InvalidArgumentError, JSON.stringify(bad));
  }
  assert.equal(checkVolumeName('dir x/ä [1] 100%.vmdk'), 'dir x/ä [1] 100%.vmdk');
});

test('new names are escaped per component as VMware escapes datastore items (libvirt src/esx README)', () => {
  // The stored name virsh showed for a volume libvirt's ESX driver created as 'dir x/ä b[1]%.vmdk'.
  assert.equal(escapedVolumeName('dir x/ä b[1]%.vmdk'), 'dir x/+w6Q- b+Ww-1+XSU-25.vmdk');
  assert.equal(escapedVolumeName('plain/disk-1_(a).vmdk'), 'plain/disk-1_(a).vmdk');
  for (const n of ['ä b[1]%.vmdk', 'disk 100%.vmdk', '日本語.iso', 'a+b-c.vmdk'])
    assert.equal(unescapeDatastoreItem(escapedVolumeName(n)), n, n);
});

test('paths, splits, disk names, keys and UUIDs', () => {
  assert.equal(volumePathText('ds 1', 'a/b.vmdk'), '[ds 1] a/b.vmdk');
  assert.deepEqual(splitName('a/b/c.iso'), { dir: 'a/b', base: 'c.iso' });
  assert.deepEqual(splitName('c.iso'), { dir: '', base: 'c.iso' });
  assert.ok(isDiskName('x/disk.vmdk'));
  for (const n of ['x/disk-flat.vmdk', 'disk-delta.vmdk', 'disk-ctk.vmdk', 'disk-000001.vmdk', 'disk.iso']) assert.ok(!isDiskName(n), n);
  assert.equal(diskKey('60 00 C2 9b 5d 8e 7a 1c-2f 6b 41 dd 83 c1 09 0a'), '6000c29b-5d8e-7a1c-2f6b-41dd83c1090a');
  assert.equal(diskKey('7EAFEA5E-5245-5075-BEDC-6BFA3211C82B'), '7eafea5e-5245-5075-bedc-6bfa3211c82b');
  assert.equal(diskKey('not a uuid'), undefined);
  // libvirt: the pool UUID is the MD5 of the mount path (virsh showed this UUID for this path).
  assert.equal(md5Uuid('/tmp/govcsim-ha-datacenter-LocalDS_0-3455397601'), '7f9643ef-db4a-8833-2f3b-b75dced13345');
  const p = partialName('dir/disk-flat.vmdk');
  assert.match(p, /^dir\/\.disk-flat\.vmdk\.esxvirt-[0-9a-z]+\.part$/);
  assert.notEqual(partialName('x.iso'), partialName('x.iso'));
});
