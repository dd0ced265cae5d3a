/**
 * VMDK images in and out through bin/esxvirt, checked with qemu-img (Debian's qemu-utils): monolithic sparse,
 * streamOptimized and flat images made by `qemu-img convert` import as flat VMFS disks whose extent equals
 * `qemu-img convert -O raw` of the source; exports pass `qemu-img check` and `qemu-img compare`. An ISO uploads as
 * it is and serves as a CD-ROM of a domain. Run `npm run build` first.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { external, runnable } from '../support/external.js';
import { qemuImg } from '../support/qemu-img.js';
import { hostDisk } from '../harness/storage-control.js';
import { partialFiles, sha256File, startStorageTarget, type StorageTarget } from './storage-support.js';

const MiB = 1024 * 1024;
const qemu = external('qemu-img', () => runnable('qemu-img'), 'apt-get install qemu-utils (.ci/run installs it)');

/** A 64 MiB raw disk: data at the start, in the middle and at the very end, zeros elsewhere. */
function rawDisk(dir: string): string {
  const raw = join(dir, 'src.raw');
  const buf = Buffer.alloc(64 * MiB);
  let x = 12345;
  const fill = (from: number, len: number): void => {
    for (let i = from; i < from + len; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      buf[i] = x & 0xff;
    }
  };
  fill(0, 3 * MiB + 17);
  fill(33 * MiB, 512 * 1024);
  fill(64 * MiB - 4096, 4096);
  writeFileSync(raw, buf);
  return raw;
}

describe('VMDK images in and out (qemu-img as the reference)', qemu.options, () => {
  let t: StorageTarget;
  let dir: string;
  let raw: string;
  let rawSum: string;
  const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-img-'));
  before(async () => {
    qemu.value();
    t = await startStorageTarget({ model: 'esx' });
    dir = await t.poolDir('LocalDS_0');
    raw = rawDisk(tmp);
    rawSum = await sha256File(raw);
  });
  after(async () => t?.stop());

  for (const [kind, args] of [
    ['monolithicSparse', ['-O', 'vmdk']],
    ['streamOptimized', ['-O', 'vmdk', '-o', 'subformat=streamOptimized']],
    ['monolithicFlat', ['-O', 'vmdk', '-o', 'subformat=monolithicFlat']],
  ] as const) {
    it(`imports a ${kind} image made by qemu-img; the flat extent equals the raw disk`, async () => {
      const image = join(tmp, `${kind}.vmdk`);
      qemuImg('convert', '-f', 'raw', ...args, raw, image);
      const name = `img/${kind}.vmdk`;
      assert.equal(
        await t.ok('vol-import', 'LocalDS_0', image, name, '--adapter', 'paraVirtual'),
        `Vol ${name} imported from ${image}\n\n`,
      );
      const d = await hostDisk(t.sim, `[LocalDS_0] ${name}`);
      assert.deepEqual([d.createType, d.capacity, d.adapterType, d.extents], ['vmfs', 64 * MiB, 'pvscsi', [`${kind}-flat.vmdk`]]);
      const flat = join(tmp, `${kind}.flat`);
      await t.ok('vol-download', '--pool', 'LocalDS_0', `img/${kind}-flat.vmdk`, flat);
      assert.equal(await sha256File(flat), rawSum);
      qemuImg('compare', '-f', 'raw', '-F', 'vmdk', raw, join(dir, name));
      assert.match(await t.ok('vol-info', '--pool', 'LocalDS_0', name), /Capacity: {7}64\.00 MiB\n/);
      assert.deepEqual(partialFiles(dir), []);
    });
  }

  it('refuses to import over an existing disk without --force, and imports over it with it', async () => {
    const image = join(tmp, 'monolithicSparse.vmdk');
    const r = await t.fails('vol-import', 'LocalDS_0', image, 'img/streamOptimized.vmdk');
    assert.equal(
      r.message,
      "Requested operation is not valid: storage volume 'img/streamOptimized.vmdk' already exists in pool 'LocalDS_0': use --force to overwrite it",
    );
    await t.ok('vol-import', 'LocalDS_0', image, 'img/streamOptimized.vmdk', '--force');
    // Without --adapter the image's own ddb.adapterType stays (qemu-img writes ide).
    assert.equal((await hostDisk(t.sim, '[LocalDS_0] img/streamOptimized.vmdk')).adapterType, 'ide');
  });

  for (const subformat of ['streamOptimized', 'monolithicSparse'] as const) {
    it(`exports a datastore disk as ${subformat}: qemu-img check and compare agree`, async () => {
      const out = join(tmp, `export-${subformat}.vmdk`);
      assert.equal(
        await t.ok('vol-export', '--pool', 'LocalDS_0', 'img/monolithicSparse.vmdk', out, '--subformat', subformat),
        `Vol img/monolithicSparse.vmdk exported to ${out}\n\n`,
      );
      qemuImg('check', out);
      assert.match(qemuImg('info', out), new RegExp(`create type: ${subformat}`, 'i'));
      qemuImg('compare', '-f', 'raw', '-F', 'vmdk', raw, out);
      assert.equal(JSON.parse(qemuImg('info', '--output=json', out)).format, 'vmdk');
    });
  }

  it('exports a thin disk made by the server (holes read as zeros)', async () => {
    await t.ok('vol-create-as', 'LocalDS_0', 'img/blank.vmdk', '8M', '--allocation', '0');
    const out = join(tmp, 'blank.vmdk');
    await t.ok('vol-export', '[LocalDS_0] img/blank.vmdk', out);
    qemuImg('check', out);
    const zeros = join(tmp, 'zeros.raw');
    writeFileSync(zeros, Buffer.alloc(8 * MiB));
    qemuImg('compare', '-f', 'raw', '-F', 'vmdk', zeros, out);
  });

  it('an ISO uploads as it is, lists as an ISO volume and serves as the CD-ROM of a domain', async () => {
    const iso = join(tmp, 'boot.iso');
    writeFileSync(iso, Buffer.concat([Buffer.alloc(32768), Buffer.from('\x01CD001\x01'), Buffer.alloc(2041)]));
    await t.ok('vol-upload', '--pool', 'LocalDS_0', 'iso/boot.iso', iso);
    assert.deepEqual(readFileSync(join(dir, 'iso/boot.iso')), readFileSync(iso));
    assert.match(await t.ok('vol-dumpxml', '[LocalDS_0] iso/boot.iso'), /<format type='iso'\/>/);
    await t.ok('vol-create-as', 'LocalDS_0', 'isodom/isodom.vmdk', '8M', '--allocation', '0');
    const empty = join(tmp, 'empty');
    writeFileSync(empty, '');
    for (const f of ['isodom.nvram', 'vmware.log']) await t.ok('vol-upload', '--pool', 'LocalDS_0', `isodom/${f}`, empty);
    const xml = join(tmp, 'isodom.xml');
    writeFileSync(
      xml,
      `<domain type='vmware'>
  <name>isodom</name>
  <memory unit='MiB'>256</memory>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><source file='[LocalDS_0] isodom/isodom.vmdk'/><target dev='sda' bus='scsi'/></disk>
    <disk type='file' device='cdrom'><source file='[LocalDS_0] iso/boot.iso'/><target dev='hdc' bus='ide'/></disk>
    <controller type='scsi' index='0' model='lsilogic'/>
  </devices>
</domain>
`,
    );
    await t.ok('define', xml);
    const dumped = await t.ok('dumpxml', 'isodom');
    assert.match(dumped, /<disk type='file' device='cdrom'>\n\s+<source file='\[LocalDS_0\] iso\/boot\.iso'\/>/);
  });
});

describe('VMDK images and transfers through a vCenter', qemu.options, () => {
  let t: StorageTarget;
  const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-img-vpx-'));
  before(async () => {
    qemu.value();
    t = await startStorageTarget({ model: 'vpx' });
  });
  after(async () => t?.stop());

  it('imports a streamOptimized image, exports it back, uploads and downloads through the datacenter DC0', async () => {
    const raw = rawDisk(tmp);
    const image = join(tmp, 'so.vmdk');
    qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', raw, image);
    await t.ok('vol-import', 'LocalDS_0', image, 'vc/so.vmdk');
    const out = join(tmp, 'back.vmdk');
    await t.ok('vol-export', '--pool', 'LocalDS_0', 'vc/so.vmdk', out, '--subformat', 'monolithicSparse');
    qemuImg('compare', '-f', 'raw', '-F', 'vmdk', raw, out);
    const flat = join(tmp, 'so.flat');
    await t.ok('vol-download', '[LocalDS_0] vc/so-flat.vmdk', flat);
    assert.equal(await sha256File(flat), await sha256File(raw));
    await t.ok('vol-upload', '--pool', 'LocalDS_0', 'vc/raw.img', raw);
    assert.match(await t.ok('vol-info', '--pool', 'LocalDS_0', 'vc/raw.img'), /Capacity: {7}64\.00 MiB\n/);
    assert.deepEqual(partialFiles(await t.poolDir('LocalDS_0')), []);
  });
});
