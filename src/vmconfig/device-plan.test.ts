// One line per device rule: a device set (test/fixtures/vmconfig/devices), a change of one domain device given as
// XML, and the device changes expected (test/fixtures/vmconfig/specs/<id>.json) or the error (code and message).
// Every spec must also encode as a ReconfigVM_Task request and be accepted by applySpec (the server's view).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { EsxError, type ErrorCode } from '../errors.js';
import type { ControllerDef } from '../conf/domain/domain-def.js';
import { applySpec } from './apply-spec.js';
import { DevicePlan } from './device-plan.js';
import { assertEncodes, assertGolden, configWith, CONTEXTS, deviceOf, deviceSets, FIXTURES } from '../../test/support/vmconfig-fixtures.js';

interface Rule {
  id: string;
  on: string;
  op: 'add' | 'edit' | 'remove';
  xml: string;
  ctx?: string;
  /** Fields to set on the parsed device (undefined deletes), for what XML cannot say (no target, unit 7 …). */
  patch?: Record<string, unknown>;
  destroy?: boolean;
  controllers?: ControllerDef[];
  error?: [ErrorCode, RegExp];
}

const D = (src: string, dev: string, bus = 'scsi', extra = ''): string =>
  `<disk type='file' device='disk'>${extra}<source file='${src}'/><target dev='${dev}' bus='${bus}'/></disk>`;
const CD = (src: string | undefined, dev: string, bus = 'ide', type = 'file', device = 'cdrom', extra = ''): string =>
  `<disk type='${type}' device='${device}'>${src !== undefined ? `<source ${type === 'file' ? 'file' : 'dev'}='${src}'${extra}/>` : extra}<target dev='${dev}' bus='${bus}'/></disk>`;
const NIC = (src: string, mac?: string, model?: string, type = 'bridge'): string =>
  `<interface type='${type}'>${mac ? `<mac address='${mac}'/>` : ''}${src}${model ? `<model type='${model}'/>` : ''}</interface>`;
const BR = (name: string): string => `<source bridge='${name}'/>`;
const FREE = { targetDev: '', address: undefined };

const RULES: Rule[] = [
  // disks: controllers and slots
  { id: 'scsi-disk-adds-controller', on: 'esx-default', op: 'add', xml: D('[ds] vm/a.vmdk', 'sda') },
  { id: 'scsi-disk-controller-from-guest', on: 'esx-default', op: 'add', xml: D('[ds] vm/a.vmdk', 'sda'), ctx: 'guest' },
  {
    id: 'scsi-disk-controller-from-domain',
    on: 'esx-default',
    op: 'add',
    xml: D('[ds] vm/a.vmdk', 'sdp'),
    controllers: [{ type: 'scsi', index: 1, model: 'lsisas1068' }],
  },
  {
    id: 'scsi-disk-controller-auto-detected',
    on: 'esx-default',
    op: 'add',
    xml: D('[ds] vm/a.vmdk', 'sda'),
    ctx: 'detect',
    controllers: [{ type: 'scsi', index: 0, model: 'auto' }],
  },
  {
    id: 'scsi-disk-controller-from-driver-name',
    on: 'esx-default',
    op: 'add',
    xml: D('[ds] vm/a.vmdk', 'sda', 'scsi', "<driver name='vmpvscsi'/>"),
  },
  { id: 'scsi-disk-existing-controller', on: 'web', op: 'add', xml: D('[datastore1] web/more.vmdk', 'sdc') },
  {
    id: 'scsi-disk-explicit-address',
    on: 'web',
    op: 'add',
    xml: D('[datastore1] web/more.vmdk', 'sdi').replace(
      '</disk>',
      "<address type='drive' controller='0' bus='0' target='0' unit='9'/></disk>",
    ),
  },
  { id: 'scsi-disk-first-free', on: 'web', op: 'add', xml: D('[datastore1] web/more.vmdk', 'sdz'), patch: FREE },
  { id: 'scsi-disk-first-free-skips-unit-7', on: 'scsi-0-6', op: 'add', xml: D('[ds] vm/a.vmdk', 'sdz'), patch: FREE },
  { id: 'scsi-disk-first-free-adds-controller-1', on: 'scsi-full', op: 'add', xml: D('[ds] vm/a.vmdk', 'sdz'), patch: FREE },
  { id: 'sata-disk-adds-ahci-controller', on: 'esx-default', op: 'add', xml: D('[ds] vm/a.vmdk', 'sdb', 'sata') },
  { id: 'ide-disk-at-creation-adds-ide-controller', on: 'empty', op: 'add', xml: D('[ds] vm/a.vmdk', 'hdd', 'ide') },
  {
    id: 'err-scsi-unit-7',
    on: 'web',
    op: 'add',
    xml: D('[ds] vm/a.vmdk', 'sdh'),
    patch: { address: { controller: 0, bus: 0, target: 0, unit: 7 } },
    error: ['InvalidConfig', /SCSI unit 7 of disk 'sdh' is taken by the controller/],
  },
  {
    id: 'err-slot-taken',
    on: 'web',
    op: 'add',
    xml: D('[ds] vm/a.vmdk', 'sda'),
    error: ['InvalidConfig', /SCSI slot 0:0:0 of disk 'sda' is taken by 'Hard disk 1'/],
  },
  {
    id: 'err-ide-full',
    on: 'ide-full',
    op: 'add',
    xml: CD('[ds] a.iso', 'hdz'),
    patch: FREE,
    error: ['InvalidConfig', /no free IDE slot .* every controller is full/],
  },
  {
    id: 'err-scsi-controller-out-of-range',
    on: 'web',
    op: 'add',
    xml: D('[ds] vm/a.vmdk', 'sdbi'),
    error: ['InvalidConfig', /SCSI address 4:0:0 of disk 'sdbi' out of range/],
  },
  {
    id: 'err-driver-name',
    on: 'esx-default',
    op: 'add',
    xml: D('[ds] vm/a.vmdk', 'sda', 'scsi', "<driver name='qemu'/>"),
    error: ['Unsupported', /<driver name> of disk 'sda' to be buslogic, lsilogic, lsisas1068 or vmpvscsi but found 'qemu'/],
  },
  // disks: backings
  { id: 'disk-new-thin', on: 'web', op: 'add', xml: D('[datastore1] web/new.vmdk', 'sdc'), ctx: 'new-disk' },
  { id: 'disk-new-thick', on: 'web', op: 'add', xml: D('[datastore1] web/new.vmdk', 'sdc'), ctx: 'new-disk-thick' },
  { id: 'disk-new-eagerzeroedthick', on: 'web', op: 'add', xml: D('[datastore1] web/new.vmdk', 'sdc'), ctx: 'new-disk-eager' },
  {
    id: 'disk-transient-writethrough',
    on: 'web',
    op: 'add',
    xml: D('[datastore1] web/t.vmdk', 'sdc', 'scsi', "<driver cache='writethrough'/>").replace('</disk>', '<transient/></disk>'),
  },
  { id: 'disk-vmfs-path', on: 'web', op: 'add', xml: D('/vmfs/volumes/datastore1/web/v.vmdk', 'sdc') },
  {
    id: 'err-disk-relative-path',
    on: 'web',
    op: 'add',
    xml: D('web/v.vmdk', 'sdc'),
    error: ['InvalidConfig', /file name 'web\/v.vmdk' of disk 'sdc' is relative/],
  },
  {
    id: 'err-disk-dotdot',
    on: 'web',
    op: 'add',
    xml: D('[datastore1] web/../other/v.vmdk', 'sdc'),
    error: ['InvalidConfig', /leaves its folder/],
  },
  {
    id: 'err-disk-block',
    on: 'web',
    op: 'add',
    xml: CD('/dev/sdb', 'sdc', 'scsi', 'block', 'disk'),
    error: ['Unsupported', /hard disk 'sdc' must be of type 'file' but is 'block'/],
  },
  {
    id: 'err-disk-cache',
    on: 'web',
    op: 'add',
    xml: D('[ds] a.vmdk', 'sdc', 'scsi', "<driver cache='none'/>"),
    error: ['Unsupported', /unsupported cache mode 'none'/],
  },
  { id: 'cdrom-iso', on: 'web', op: 'add', xml: CD('[datastore1] iso/tools.iso', 'hdb') },
  { id: 'cdrom-first-free-ide', on: 'web', op: 'add', xml: CD('[datastore1] iso/tools.iso', 'hdz'), patch: FREE },
  { id: 'cdrom-empty', on: 'web', op: 'add', xml: CD(undefined, 'hdb') },
  { id: 'cdrom-host-device', on: 'web', op: 'add', xml: CD('/dev/cdrom', 'hdb', 'ide', 'block') },
  {
    id: 'cdrom-autodetect',
    on: 'web',
    op: 'add',
    xml: CD(undefined, 'hdb', 'ide', 'block', 'cdrom', "<source startupPolicy='optional'/>"),
  },
  { id: 'cdrom-lun-passthrough', on: 'web', op: 'add', xml: CD('/dev/sg0', 'hdb', 'ide', 'block', 'lun') },
  { id: 'cdrom-sata-adds-ahci-controller', on: 'web', op: 'add', xml: CD('[datastore1] iso/tools.iso', 'sda', 'sata') },
  {
    id: 'err-lun-file',
    on: 'web',
    op: 'add',
    xml: CD('[ds] a.iso', 'hdb', 'ide', 'file', 'lun'),
    error: ['Unsupported', /'hdb' of device 'lun' must be of type 'block'/],
  },
  { id: 'floppy-image', on: 'web', op: 'add', xml: CD('[datastore1] web/b.flp', 'fdb', 'fdc', 'file', 'floppy') },
  { id: 'floppy-device', on: 'esx-default', op: 'add', xml: CD('/dev/fd0', 'fda', 'fdc', 'block', 'floppy') },
  {
    id: 'err-floppy-taken',
    on: 'web',
    op: 'add',
    xml: CD('[datastore1] web/b.flp', 'fda', 'fdc', 'file', 'floppy'),
    error: ['InvalidConfig', /floppy slot 0:0:0 of disk 'fda' is taken by 'Floppy drive 1'/],
  },
  {
    id: 'err-floppy-on-scsi',
    on: 'web',
    op: 'add',
    xml: CD('[ds] b.flp', 'sdc', 'fdc', 'file', 'floppy'),
    patch: { bus: 'scsi' },
    error: ['Unsupported', /floppy 'sdc' must be on bus 'fdc'/],
  },
  // interfaces
  { id: 'nic-standard-port-group', on: 'web', op: 'add', xml: NIC(BR('VM Network'), '00:50:56:00:00:01', 'vmxnet3'), ctx: 'networks' },
  { id: 'nic-bridge-name-unresolved', on: 'web', op: 'add', xml: NIC(BR('VM Network'), '00:50:56:00:00:01', 'vmxnet3') },
  { id: 'nic-distributed-port-group', on: 'web', op: 'add', xml: NIC(BR('DPG'), '00:50:56:00:00:01', 'e1000e'), ctx: 'networks' },
  {
    id: 'nic-network-type',
    on: 'web',
    op: 'add',
    xml: NIC("<source network='VM Network'/>", '00:50:56:00:00:01', 'e1000', 'network'),
    ctx: 'networks',
  },
  {
    id: 'nic-vds-source',
    on: 'web',
    op: 'add',
    xml: NIC(
      "<source switchid='502a8c3b-6b14-6e4c-a06d-2e510a751b8e' portgroupid='dvportgroup-34' portid='13' connectionid='99'/>",
      '00:50:56:00:00:01',
      'vmxnet3',
      'vds',
    ),
  },
  { id: 'nic-null', on: 'web', op: 'add', xml: NIC('', '00:50:56:00:00:01', 'e1000', 'null') },
  { id: 'nic-model-vmxnet', on: 'web', op: 'add', xml: NIC(BR('VM Network'), '00:50:56:00:00:01', 'vmxnet') },
  { id: 'nic-model-vmxnet2', on: 'web', op: 'add', xml: NIC(BR('VM Network'), '00:50:56:00:00:01', 'vmxnet2') },
  { id: 'nic-model-vlance', on: 'web', op: 'add', xml: NIC(BR('VM Network'), '00:50:56:00:00:01', 'vlance') },
  { id: 'nic-model-from-guest', on: 'web', op: 'add', xml: NIC(BR('VM Network'), '00:50:56:00:00:01'), ctx: 'guest' },
  { id: 'nic-model-default-e1000', on: 'web', op: 'add', xml: NIC(BR('VM Network'), '00:50:56:00:00:01') },
  { id: 'nic-mac-generated-esx-range', on: 'web', op: 'add', xml: NIC(BR('VM Network'), '00:0C:29:12:34:56', 'e1000') },
  { id: 'nic-mac-generated-vcenter-range', on: 'web', op: 'add', xml: NIC(BR('VM Network'), '00:50:56:81:02:03', 'e1000') },
  { id: 'nic-mac-other-vendor-static', on: 'web', op: 'add', xml: NIC(BR('VM Network'), '52:54:00:12:34:56', 'e1000') },
  { id: 'nic-mac-none', on: 'web', op: 'add', xml: NIC(BR('VM Network'), undefined, 'e1000'), patch: { mac: undefined } },
  {
    id: 'err-nic-unknown-network',
    on: 'web',
    op: 'add',
    xml: NIC(BR('Nowhere'), undefined, 'e1000'),
    ctx: 'networks',
    error: ['NotFound', /no network named 'Nowhere': expecting one of 'VM Network', 'DPG', 'Dup'/],
  },
  {
    id: 'err-nic-ambiguous-network',
    on: 'web',
    op: 'add',
    xml: NIC(BR('Dup'), undefined, 'e1000'),
    ctx: 'networks',
    error: [
      'InvalidConfig',
      /network name 'Dup' is ambiguous: it names standard port group network-9, distributed port group dvportgroup-40/,
    ],
  },
  {
    id: 'err-nic-user',
    on: 'web',
    op: 'add',
    xml: NIC('', undefined, 'e1000', 'user'),
    error: ['Unsupported', /interface type 'user' \(NAT\) has no vSphere form/],
  },
  { id: 'err-nic-model', on: 'web', op: 'add', xml: NIC(BR('VM Network'), undefined, 'virtio'), error: ['Unsupported', /found 'virtio'/] },
  {
    id: 'err-nic-mac-taken',
    on: 'web',
    op: 'add',
    xml: NIC(BR('VM Network'), '00:50:56:01:02:03', 'e1000'),
    error: ['InvalidConfig', /MAC address 00:50:56:01:02:03 of the new interface is taken by 'Network adapter 1'/],
  },
  // controllers
  { id: 'controller-scsi-pvscsi', on: 'web', op: 'add', xml: "<controller type='scsi' index='1' model='vmpvscsi'/>" },
  { id: 'controller-sata', on: 'web', op: 'add', xml: "<controller type='sata' index='0'/>" },
  {
    id: 'err-controller-exists',
    on: 'web',
    op: 'add',
    xml: "<controller type='scsi' index='0' model='lsilogic'/>",
    error: ['InvalidConfig', /SCSI controller 0 exists \('SCSI controller 0'\)/],
  },
  {
    id: 'err-controller-ide',
    on: 'web',
    op: 'add',
    xml: "<controller type='ide' index='0'/>",
    error: ['Unsupported', /IDE controllers are built into VMware VMs/],
  },
  {
    id: 'err-controller-model',
    on: 'web',
    op: 'add',
    xml: "<controller type='scsi' index='1' model='virtio-scsi'/>",
    error: ['Unsupported', /unsupported SCSI controller model 'virtio-scsi'/],
  },
  // serial and parallel ports
  {
    id: 'serial-file',
    on: 'esx-default',
    op: 'add',
    xml: "<serial type='file'><source path='[ds] vm/serial.log'/><target port='0'/></serial>",
  },
  { id: 'serial-device', on: 'esx-default', op: 'add', xml: "<serial type='dev'><source path='/dev/ttyS0'/><target port='1'/></serial>" },
  {
    id: 'serial-pipe',
    on: 'esx-default',
    op: 'add',
    xml: "<serial type='pipe'><source path='\\\\.\\pipe\\com_1'/><target port='0'/></serial>",
  },
  {
    id: 'serial-tcp-server-telnet',
    on: 'esx-default',
    op: 'add',
    xml: "<serial type='tcp'><source mode='bind' host='0.0.0.0' service='2001'/><protocol type='telnet'/><target port='0'/></serial>",
  },
  {
    id: 'serial-tcp-client-tls-ipv6',
    on: 'esx-default',
    op: 'add',
    xml: "<serial type='tcp'><source mode='connect' host='fe80::1' service='7000'/><protocol type='tls'/><target port='0'/></serial>",
  },
  { id: 'serial-first-free-port', on: 'web', op: 'add', xml: "<serial type='dev'><source path='/dev/ttyS1'/></serial>" },
  {
    id: 'parallel-file',
    on: 'esx-default',
    op: 'add',
    xml: "<parallel type='file'><source path='[ds] vm/lp.txt'/><target port='2'/></parallel>",
  },
  { id: 'parallel-device', on: 'web', op: 'add', xml: "<parallel type='dev'><source path='/dev/parport0'/><target port='1'/></parallel>" },
  {
    id: 'err-serial-taken',
    on: 'web',
    op: 'add',
    xml: "<serial type='dev'><source path='/dev/ttyS1'/><target port='1'/></serial>",
    error: ['InvalidConfig', /serial port 1 is taken by 'Serial port 2'/],
  },
  {
    id: 'err-serial-out-of-range',
    on: 'web',
    op: 'add',
    xml: "<serial type='dev'><source path='/dev/ttyS4'/><target port='4'/></serial>",
    error: ['Unsupported', /serial port 4 out of range 0..3/],
  },
  {
    id: 'err-parallel-pipe',
    on: 'web',
    op: 'add',
    xml: "<parallel type='pipe'><source path='/tmp/p'/><target port='1'/></parallel>",
    error: ['Unsupported', /unsupported parallel type 'pipe': expecting dev or file/],
  },
  // video
  { id: 'video-add-where-none', on: 'empty', op: 'add', xml: "<video><model type='vmvga' vram='8192' heads='2'/></video>" },
  {
    id: 'err-video-exists',
    on: 'web',
    op: 'add',
    xml: "<video><model type='vmvga' vram='8192'/></video>",
    error: ['InvalidConfig', /the VM has a video card already/],
  },
  {
    id: 'err-video-model',
    on: 'empty',
    op: 'add',
    xml: "<video><model type='qxl'/></video>",
    error: ['Unsupported', /unsupported video model 'qxl': only 'vmvga'/],
  },
  // edit
  { id: 'edit-cdrom-change-media', on: 'web', op: 'edit', xml: CD('[datastore1] iso/other.iso', 'hdc') },
  { id: 'edit-cdrom-eject', on: 'web', op: 'edit', xml: CD(undefined, 'hdc') },
  { id: 'edit-cdrom-same-medium-no-change', on: 'web', op: 'edit', xml: CD('[datastore1] iso/install.iso', 'hdc') },
  {
    id: 'edit-disk-transient',
    on: 'web',
    op: 'edit',
    xml: D('[datastore1] web/web.vmdk', 'sda').replace('</disk>', '<transient/></disk>'),
  },
  {
    id: 'edit-disk-no-change',
    on: 'web',
    op: 'edit',
    xml: D('[datastore1] web/data.vmdk', 'sdb', 'scsi', "<driver cache='writethrough'/>").replace('</disk>', '<transient/></disk>'),
  },
  { id: 'edit-nic-to-distributed', on: 'web', op: 'edit', xml: NIC(BR('DPG'), '00:50:56:01:02:03', 'vmxnet3'), ctx: 'networks' },
  {
    id: 'edit-nic-mac-type-generated',
    on: 'web',
    op: 'edit',
    xml: NIC(BR('VM Network'), '00:50:56:01:02:03', 'vmxnet3').replace("'/>", "' type='generated'/>"),
  },
  {
    id: 'edit-serial-backing',
    on: 'web',
    op: 'edit',
    xml: "<serial type='file'><source path='[datastore1] web/s.log'/><target port='1'/></serial>",
  },
  { id: 'edit-video', on: 'web', op: 'edit', xml: "<video><model type='vmvga' vram='16384' heads='1'/></video>" },
  {
    id: 'err-edit-disk-file',
    on: 'web',
    op: 'edit',
    xml: D('[datastore1] web/other.vmdk', 'sda'),
    error: [
      'Unsupported',
      /disk 'sda' cannot change its file from '\[datastore1\] web\/web.vmdk' to '\[datastore1\] web\/other.vmdk' in place/,
    ],
  },
  {
    id: 'err-edit-cdrom-to-disk',
    on: 'web',
    op: 'edit',
    xml: D('[datastore1] web/x.vmdk', 'hdc', 'ide'),
    error: ['Unsupported', /disk 'hdc' cannot change from VirtualCdrom to disk in place/],
  },
  {
    id: 'err-edit-nic-model',
    on: 'web',
    op: 'edit',
    xml: NIC(BR('VM Network'), '00:50:56:01:02:03', 'e1000'),
    error: ['Unsupported', /interface 00:50:56:01:02:03 cannot change its model in place/],
  },
  {
    id: 'err-edit-nic-null',
    on: 'web',
    op: 'edit',
    xml: NIC('', '00:50:56:01:02:03', 'vmxnet3', 'null'),
    error: ['Unsupported', /cannot leave its network in place/],
  },
  {
    id: 'err-edit-no-such-nic',
    on: 'web',
    op: 'edit',
    xml: NIC(BR('VM Network'), '00:50:56:3f:00:00', 'e1000'),
    error: ['NotFound', /the VM has no interface 00:50:56:3f:00:00/],
  },
  {
    id: 'err-edit-controller-model',
    on: 'web',
    op: 'edit',
    xml: "<controller type='scsi' index='0' model='vmpvscsi'/>",
    error: ['Unsupported', /scsi controller 0 cannot change its model from 'lsisas1068' to 'vmpvscsi' in place/],
  },
  // remove
  { id: 'remove-disk-keeps-file', on: 'web', op: 'remove', xml: D('[datastore1] web/data.vmdk', 'sdb') },
  { id: 'remove-disk-destroys-file', on: 'web', op: 'remove', xml: D('[datastore1] web/data.vmdk', 'sdb'), destroy: true },
  { id: 'remove-disk-by-source', on: 'web', op: 'remove', xml: D('/vmfs/volumes/datastore1/web/data.vmdk', 'sdz'), patch: FREE },
  { id: 'remove-cdrom', on: 'web', op: 'remove', xml: CD(undefined, 'hdd') },
  { id: 'remove-nic-by-mac-any-case', on: 'web', op: 'remove', xml: NIC(BR('x'), '00:50:56:AA:BB:CC') },
  { id: 'remove-nic-by-network-name', on: 'web', op: 'remove', xml: NIC(BR('VM Network')), patch: { mac: undefined } },
  { id: 'remove-serial', on: 'web', op: 'remove', xml: "<serial type='dev'><source path='/dev/ttyS0'/><target port='0'/></serial>" },
  { id: 'remove-controller', on: 'web', op: 'remove', xml: "<controller type='scsi' index='0'/>" },
  { id: 'err-remove-no-disk', on: 'web', op: 'remove', xml: D('[ds] a.vmdk', 'sdf'), error: ['NotFound', /the VM has no disk 'sdf'/] },
  {
    id: 'err-remove-without-target-or-source',
    on: 'ide-full',
    op: 'remove',
    xml: CD('[ds] x.iso', 'hdz'),
    patch: { ...FREE, src: undefined, type: 'block' },
    error: ['InvalidConfig', /a disk to find needs a target, an address or a source/],
  },
  {
    id: 'err-remove-ide-controller',
    on: 'web',
    op: 'remove',
    xml: "<controller type='ide' index='0'/>",
    error: ['Unsupported', /IDE controllers are built into VMware VMs/],
  },
];

const sets = deviceSets();

for (const r of RULES) {
  test(`device rule: ${r.id}`, () => {
    const device = deviceOf(r.xml);
    for (const [k, v] of Object.entries(r.patch ?? {})) {
      if (v === undefined) delete (device.def as unknown as Record<string, unknown>)[k];
      else (device.def as unknown as Record<string, unknown>)[k] = v;
    }
    const current = sets[r.on];
    assert.ok(current, `unknown device set ${r.on}`);
    const ctx = CONTEXTS[r.ctx ?? 'plain'];
    const run = (): DevicePlan => {
      const plan = new DevicePlan(current, ctx, r.controllers ? { controllers: r.controllers } : {});
      plan.apply({ op: r.op, device, ...(r.destroy ? { destroyFile: true } : {}) });
      return plan;
    };
    if (r.error) {
      const [code, message] = r.error;
      assert.ok(r.id.startsWith('err-'), 'error rules are named err-…');
      assert.throws(run, (e: unknown) => {
        assert.ok(e instanceof EsxError, `expected an EsxError, got ${String(e)}`);
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        assert.ok(!e.message.includes('\n'), 'one line');
        return true;
      });
      return;
    }
    const specs = run().specs;
    assertGolden(`specs/${r.id}.json`, specs);
    assertEncodes({ _type: 'VirtualMachineConfigSpec', deviceChange: specs });
    applySpec(configWith(current), { _type: 'VirtualMachineConfigSpec', deviceChange: specs });
    // the plan never changes the devices it was given
    assert.deepEqual(current, deviceSets()[r.on]);
  });
}

test('every golden spec file belongs to a rule', () => {
  const ids = new Set(RULES.filter((r) => !r.error).map((r) => `${r.id}.json`));
  const files = readdirSync(join(FIXTURES, 'specs')).filter((f) => f.endsWith('.json'));
  assert.deepEqual(
    files.filter((f) => !ids.has(f)),
    [],
  );
});
