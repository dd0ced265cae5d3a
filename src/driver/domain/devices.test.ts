// The pure parts of the device commands: XML fragments in and out, attach-disk's and attach-interface's devices,
// disk sources in the VM's folder.
import assert from 'node:assert/strict';
import test from 'node:test';
import { EsxError } from '../../errors.js';
import { formatDeviceXml, deviceOfXml } from './devices.js';
import { diskFromOptions, diskSource, interfaceFromOptions } from './disks-nics.js';

test('a disk fragment parses to one disk and formats back as libvirt writes it', () => {
  const xml =
    "<disk type='file' device='disk'>\n  <source file='[ds] vm/a.vmdk'/>\n  <target dev='sdb' bus='scsi'/>\n  <address type='drive' controller='0' bus='0' target='0' unit='1'/>\n</disk>\n";
  const d = deviceOfXml(xml);
  assert.equal(d.kind, 'disk');
  assert.equal(formatDeviceXml(d), xml);
});

test('an interface fragment without <mac> leaves the MAC to the server', () => {
  const d = deviceOfXml("<interface type='bridge'><source bridge='VM Network'/><model type='vmxnet3'/></interface>");
  assert.equal(d.kind, 'interface');
  assert.equal((d.def as { mac?: string }).mac, undefined);
  assert.equal(
    (deviceOfXml("<interface type='bridge'><mac address='00:50:56:01:02:03'/><source bridge='n'/></interface>").def as { mac?: string })
      .mac,
    '00:50:56:01:02:03',
  );
});

test('controller, serial and parallel fragments parse; others are refused with one line', () => {
  assert.equal(deviceOfXml("<controller type='scsi' index='1' model='vmpvscsi'/>").kind, 'controller');
  assert.equal(deviceOfXml("<serial type='file'><source path='[ds] vm/s.log'/><target port='1'/></serial>").kind, 'serial');
  assert.equal(deviceOfXml("<parallel type='file'><source path='[ds] vm/p.log'/><target port='0'/></parallel>").kind, 'parallel');
  for (const [xml, msg] of [
    ["<hostdev mode='subsystem'/>", /unsupported device <hostdev>/],
    ['<disk', /malformed|device XML/],
    ['', /holds no element/],
    ["<disk type='file' device='disk'><source file='[ds] a.vmdk'/></disk>", /missing <target dev=…> in <disk>/],
  ] as const) {
    assert.throws(
      () => deviceOfXml(xml),
      (e: unknown) => e instanceof EsxError && msg.test(e.message) && !e.message.includes('\n'),
      xml,
    );
  }
});

test("attach-disk's disk: bus from the target's prefix or --targetbus, CD-ROMs read-only, addresses checked", () => {
  assert.deepEqual(diskFromOptions('[ds] a.vmdk', 'sdb', {}), {
    type: 'file',
    device: 'disk',
    targetDev: 'sdb',
    bus: 'scsi',
    readonly: false,
    transient: false,
    src: '[ds] a.vmdk',
  });
  const cd = diskFromOptions('[ds] a.iso', 'hdc', { type: 'cdrom' });
  assert.equal(cd.bus, 'ide');
  assert.equal(cd.readonly, true);
  assert.equal(diskFromOptions('[ds] a.vmdk', 'sdb', { targetBus: 'sata' }).bus, 'sata');
  assert.deepEqual(diskFromOptions('[ds] a.vmdk', 'sdj', { address: 'scsi:0.0.9' }).address, { controller: 0, bus: 0, target: 0, unit: 9 });
  assert.equal(diskFromOptions('/dev/sr0', 'hdc', { type: 'cdrom' }).type, 'block');
  assert.throws(() => diskFromOptions('x', 'vda', {}), /unsupported target bus 'vda'/);
  assert.throws(() => diskFromOptions('x', 'sdb', { type: 'tape' }), /unsupported --type 'tape'/);
  assert.throws(() => diskFromOptions('x', 'sdb', { address: 'pci:1' }), /invalid --address 'pci:1'/);
});

test("disk sources: '[ds] path' as given, a bare name in the VM's folder, no '..' anywhere", () => {
  assert.equal(diskSource('[ds2] other/x.vmdk', '[ds] vm/vm.vmx'), '[ds2] other/x.vmdk');
  assert.equal(diskSource('new.vmdk', '[ds] vm/vm.vmx'), '[ds] vm/new.vmdk');
  assert.equal(diskSource('sub/new.vmdk', '[ds] vm/vm.vmx'), '[ds] vm/sub/new.vmdk');
  assert.throws(() => diskSource('../other/x.vmdk', '[ds] vm/vm.vmx'), /must not contain empty, '\.' or '\.\.' components/);
  assert.throws(() => diskSource('[ds] a/../../x.vmdk', '[ds] vm/vm.vmx'), /'\.\.'/);
  assert.throws(() => diskSource('[ds]', '[ds] vm/vm.vmx'), /names a datastore but no file/);
});

test("attach-interface's interface: a port group by bridge or network name, values escaped into the XML", () => {
  const n = interfaceFromOptions('bridge', "VM Network <'&'>", { model: 'vmxnet3', mac: '00:50:56:0a:0b:0c' });
  assert.deepEqual(n, { type: 'bridge', mac: '00:50:56:0a:0b:0c', bridge: "VM Network <'&'>", model: 'vmxnet3' });
  assert.equal(interfaceFromOptions('network', 'pg', {}).bridge, 'pg');
  assert.throws(() => interfaceFromOptions('direct', 'eth0', {}), /unsupported interface type 'direct'/);
});
