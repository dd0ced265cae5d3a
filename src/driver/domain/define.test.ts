import assert from 'node:assert/strict';
import test from 'node:test';
import { ConfigError } from '../../errors.js';
import { parseDomainXml } from '../../conf/domain/parse-domain.js';
import { vmxLocation } from './define.js';

const domain = (name: string, devices: string): ReturnType<typeof parseDomainXml> =>
  parseDomainXml(
    `<domain type='vmware'><name>${name}</name><memory>65536</memory><os><type>hvm</type></os><devices>${devices}</devices></domain>`,
  );
const disk = (device: string, type: string, src?: string): string =>
  `<disk type='${type}' device='${device}'>${src ? `<source ${type === 'file' ? 'file' : 'dev'}='${src}'/>` : ''}<target dev='${device === 'floppy' ? 'fda' : 'sdc'}' bus='${device === 'floppy' ? 'fdc' : 'scsi'}'/></disk>`;

test('the VMX goes beside the first file-based hard disk, the name escaped as a datastore item', () => {
  const def = domain(
    'web/1 "x"',
    disk('cdrom', 'file', '[iso] images/a.iso') +
      `<disk type='file' device='disk'><source file='[datastore1] vms/web/web.vmdk'/><target dev='sdb' bus='scsi'/></disk>`,
  );
  assert.deepEqual(vmxLocation(def), { datastore: 'datastore1', directory: 'vms/web', vmxPath: '[datastore1] vms/web/web+JQ-2f1 _x_.vmx' });
  const root = domain('r', `<disk type='file' device='disk'><source file='[ds] r.vmdk'/><target dev='sda' bus='scsi'/></disk>`);
  assert.deepEqual(vmxLocation(root), { datastore: 'ds', directory: '', vmxPath: '[ds] r.vmx' });
});

test("no usable disk: libvirt's errors", () => {
  const cases: [string, RegExp][] = [
    ['', /doesn't contain any disks/],
    [disk('cdrom', 'file', '[ds] a.iso'), /doesn't contain any file-based harddisks/],
    [`<disk type='file' device='disk'><target dev='sda' bus='scsi'/></disk>`, /First file-based harddisk has no source/],
    [
      `<disk type='file' device='disk'><source file='/vmfs/volumes/ds/a.vmdk'/><target dev='sda' bus='scsi'/></disk>`,
      /is not a datastore path/,
    ],
    [`<disk type='file' device='disk'><source file='[ds] a/b.img'/><target dev='sda' bus='scsi'/></disk>`, /to be a VMDK image/],
  ];
  for (const [devices, re] of cases)
    assert.throws(
      () => vmxLocation(domain('x', devices)),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
      devices,
    );
});
