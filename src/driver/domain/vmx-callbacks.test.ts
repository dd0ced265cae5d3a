import assert from 'node:assert/strict';
import test from 'node:test';
import { EsxError } from '../../errors.js';
import { formatDomain } from '../../conf/domain/format-domain.js';
import { domainToVmx } from '../../vmx/domain-to-vmx.js';
import { vmxToDomain } from '../../vmx/vmx-to-domain.js';
import { descriptorOfVmdkHead, parseVmdkDescriptor, scsiModelOfDescriptor } from '../../vmdk/index.js';
import { connectedContext } from './vmx-callbacks.js';

const datastores = [
  { name: 'datastore1', url: 'ds:///vmfs/volumes/4b0beca7-7fd401f3-1d7f-000ae484a6a3/' },
  { name: 'isos', url: 'ds:///vmfs/volumes/isos/' },
];

test('VMX paths by datastore UUID or name map to [name] path; unknown datastores are missing', () => {
  const ctx = connectedContext({ datastores, vmxPath: '[datastore1] web/web.vmx' });
  assert.equal(ctx.parseFileName('/vmfs/volumes/4b0beca7-7fd401f3-1d7f-000ae484a6a3/web/a.vmdk'), '[datastore1] web/a.vmdk');
  assert.equal(ctx.parseFileName('/vmfs/volumes/isos/x.iso'), '[isos] x.iso');
  assert.equal(ctx.parseFileName('b.vmdk'), '[datastore1] web/b.vmdk');
  assert.equal(ctx.parseFileName('/vmfs/volumes/gone/x.iso'), undefined);
  assert.equal(ctx.parseFileName('/usr/lib/vmware/isoimages/linux.iso'), '/usr/lib/vmware/isoimages/linux.iso');
  assert.equal(ctx.formatFileName('[datastore1] web/a.vmdk'), '/vmfs/volumes/datastore1/web/a.vmdk');
  assert.throws(
    () => ctx.formatFileName('[nope] a.vmdk'),
    (e: unknown) => e instanceof EsxError && /datastore 'nope'/.test(e.message),
  );
});

test('a missing datastore empties a CD-ROM and fails a disk, as libvirt does', () => {
  const ctx = connectedContext({ datastores, vmxPath: '[datastore1] web/web.vmx' });
  const head = 'config.version = "8"\nvirtualHW.version = "7"\ndisplayName = "w"\n';
  const cd = formatDomain(
    vmxToDomain(`${head}ide0:0.present = "true"\nide0:0.deviceType = "cdrom-image"\nide0:0.fileName = "/vmfs/volumes/gone/x.iso"\n`, ctx),
  );
  assert.match(cd, /<disk type='file' device='cdrom'>\n\s+<target dev='hda'/);
  assert.throws(() => vmxToDomain(`${head}ide0:0.present = "true"\nide0:0.fileName = "/vmfs/volumes/gone/x.vmdk"\n`, ctx), EsxError);
});

test("SCSI model 'auto' comes from the disk's descriptor (ddb.adapterType)", () => {
  const desc = parseVmdkDescriptor(
    '# Disk DescriptorFile\nversion=1\ncreateType="vmfs"\nRW 8388608 VMFS "web-flat.vmdk"\nddb.adapterType = "pvscsi"\n',
  );
  assert.equal(scsiModelOfDescriptor(desc), 'vmpvscsi');
  assert.deepEqual(
    desc.extents.map((e) => e.fileName),
    ['web-flat.vmdk'],
  );
  const ctx = connectedContext({ datastores, scsiModels: new Map([['[datastore1] web/web.vmdk', 'vmpvscsi']]) });
  const vmx = domainToVmx(
    {
      type: 'vmware',
      name: 'w',
      memoryKiB: 65536,
      vcpus: 1,
      os: { type: 'hvm' },
      disks: [
        {
          type: 'file',
          device: 'disk',
          src: '[datastore1] web/web.vmdk',
          targetDev: 'sda',
          bus: 'scsi',
          readonly: false,
          transient: false,
          address: { controller: 0, bus: 0, target: 0, unit: 0 },
        },
      ],
      controllers: [{ type: 'scsi', index: 0, model: 'auto' }],
      filesystems: [],
      interfaces: [],
      serials: [],
      parallels: [],
      consoles: [],
      graphics: [],
      videos: [],
    },
    ctx,
    { virtualHwVersion: 7 },
  );
  assert.match(vmx, /scsi0\.virtualDev = "pvscsi"/);
  assert.equal(descriptorOfVmdkHead(new Uint8Array([1, 2, 3])), undefined);
});
