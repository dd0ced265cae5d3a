// The API mapping must give the XML the VMX mapping gives for the same VM: one VM described both ways.
import assert from 'node:assert/strict';
import test from 'node:test';
import { formatDomain } from '../conf/domain/format-domain.js';
import { offlineContext } from '../vmx/context.js';
import { vmxToDomain } from '../vmx/vmx-to-domain.js';
import type { VirtualDevice } from '../vim25/generated/types.js';
import { configToDomain, type VmConfigView } from './config-to-domain.js';

const VMX = `config.version = "8"
virtualHW.version = "13"
displayName = "web%2f1"
uuid.bios = "42 1c 5e 16 9b dc 49 d7-f1 71 53 c4 d7 f9 17 10"
annotation = "front end"
memsize = "2048"
sched.mem.max = "1024"
sched.mem.minsize = "512"
numvcpus = "4"
cpuid.coresPerSocket = "2"
sched.cpu.shares = "high"
guestOS = "rhel7-64"
firmware = "efi"
scsi0.present = "true"
scsi0.virtualDev = "lsisas1068"
scsi0:0.present = "true"
scsi0:0.deviceType = "scsi-hardDisk"
scsi0:0.fileName = "/vmfs/volumes/datastore1/web/web.vmdk"
scsi0:1.present = "true"
scsi0:1.deviceType = "scsi-hardDisk"
scsi0:1.fileName = "/vmfs/volumes/datastore1/web/data.vmdk"
scsi0:1.mode = "independent-nonpersistent"
scsi0:1.writeThrough = "true"
ide0:0.present = "true"
ide0:0.clientDevice = "true"
ide0:0.deviceType = "cdrom-raw"
ide1:0.present = "true"
ide1:0.deviceType = "cdrom-image"
ide1:0.fileName = "/vmfs/volumes/datastore1/iso/install.iso"
ide1:1.present = "true"
ide1:1.deviceType = "atapi-cdrom"
ide1:1.fileName = "/dev/scd0"
floppy0.present = "true"
floppy0.fileType = "file"
floppy0.fileName = "/vmfs/volumes/datastore1/web/boot.flp"
floppy1.present = "false"
ethernet0.present = "true"
ethernet0.virtualDev = "vmxnet3"
ethernet0.networkName = "VM Network"
ethernet0.addressType = "static"
ethernet0.address = "00:50:56:01:02:03"
ethernet1.present = "true"
ethernet1.virtualDev = "e1000"
ethernet1.addressType = "vpx"
ethernet1.generatedAddress = "00:50:56:aa:bb:cc"
ethernet1.dvs.switchId = "50 2a 8c 3b 6b 14 6e 4c-a0 6d 2e 51 0a 75 1b 8e"
ethernet1.dvs.portId = "12"
ethernet1.dvs.portgroupId = "dvportgroup-34"
ethernet1.dvs.connectionId = "5678"
serial0.present = "true"
serial0.fileType = "network"
serial0.fileName = "telnet://0.0.0.0:2001"
serial0.network.endPoint = "server"
serial1.present = "true"
serial1.fileType = "pipe"
serial1.fileName = "/tmp/serial1"
parallel0.present = "true"
parallel0.fileType = "file"
parallel0.fileName = "/vmfs/volumes/datastore1/web/par.txt"
svga.vramSize = "8388608"
`;

const desc = (label: string): { _type: string; label: string; summary: string } => ({ _type: 'Description', label, summary: label });
const dev = (type: string, key: number, extra: Record<string, unknown>): VirtualDevice =>
  ({ _type: type, key, deviceInfo: desc(`${type} ${key}`), ...extra }) as VirtualDevice;

/** The same VM as ESX 6.5's API reports it (devices in key order, as ESX lists them, here shuffled). */
const DEVICES: VirtualDevice[] = [
  dev('VirtualE1000', 4001, {
    controllerKey: 100,
    unitNumber: 8,
    addressType: 'assigned',
    macAddress: '00:50:56:AA:BB:CC',
    backing: {
      _type: 'VirtualEthernetCardDistributedVirtualPortBackingInfo',
      port: {
        _type: 'DistributedVirtualSwitchPortConnection',
        switchUuid: '50 2a 8c 3b 6b 14 6e 4c-a0 6d 2e 51 0a 75 1b 8e',
        portgroupKey: 'dvportgroup-34',
        portKey: '12',
        connectionCookie: 5678,
      },
    },
  }),
  dev('VirtualIDEController', 200, { busNumber: 0 }),
  dev('VirtualIDEController', 201, { busNumber: 1 }),
  dev('VirtualSIOController', 400, {}),
  dev('VirtualPCIController', 100, {}),
  dev('VirtualMachineVideoCard', 500, { controllerKey: 100, unitNumber: 0, videoRamSizeInKB: 8192, numDisplays: 1 }),
  dev('VirtualLsiLogicSASController', 1000, { busNumber: 0, sharedBus: 'noSharing', scsiCtlrUnitNumber: 7 }),
  dev('VirtualDisk', 2000, {
    controllerKey: 1000,
    unitNumber: 0,
    capacityInKB: 16777216,
    backing: {
      _type: 'VirtualDiskFlatVer2BackingInfo',
      fileName: '[datastore1] web/web.vmdk',
      diskMode: 'persistent',
      thinProvisioned: true,
    },
  }),
  dev('VirtualDisk', 2001, {
    controllerKey: 1000,
    unitNumber: 1,
    capacityInKB: 1048576,
    backing: {
      _type: 'VirtualDiskFlatVer2BackingInfo',
      fileName: '[datastore1] web/data.vmdk',
      diskMode: 'independent_nonpersistent',
      writeThrough: true,
    },
  }),
  dev('VirtualCdrom', 3000, {
    controllerKey: 200,
    unitNumber: 0,
    backing: { _type: 'VirtualCdromRemotePassthroughBackingInfo', deviceName: '', exclusive: false },
  }),
  dev('VirtualCdrom', 3001, {
    controllerKey: 201,
    unitNumber: 0,
    backing: { _type: 'VirtualCdromIsoBackingInfo', fileName: '[datastore1] iso/install.iso' },
  }),
  dev('VirtualCdrom', 3002, {
    controllerKey: 201,
    unitNumber: 1,
    backing: { _type: 'VirtualCdromAtapiBackingInfo', deviceName: '/dev/scd0', useAutoDetect: false },
  }),
  dev('VirtualFloppy', 8000, {
    controllerKey: 400,
    unitNumber: 0,
    backing: { _type: 'VirtualFloppyImageBackingInfo', fileName: '[datastore1] web/boot.flp' },
  }),
  dev('VirtualVmxnet3', 4000, {
    controllerKey: 100,
    unitNumber: 7,
    addressType: 'manual',
    macAddress: '00:50:56:01:02:03',
    backing: { _type: 'VirtualEthernetCardNetworkBackingInfo', deviceName: 'VM Network', network: { type: 'Network', value: 'network-7' } },
  }),
  dev('VirtualSerialPort', 9000, {
    controllerKey: 400,
    unitNumber: 0,
    yieldOnPoll: true,
    backing: { _type: 'VirtualSerialPortURIBackingInfo', serviceURI: 'telnet://0.0.0.0:2001', direction: 'server' },
  }),
  dev('VirtualSerialPort', 9001, {
    controllerKey: 400,
    unitNumber: 1,
    yieldOnPoll: true,
    backing: { _type: 'VirtualSerialPortPipeBackingInfo', pipeName: '/tmp/serial1', endpoint: 'client' },
  }),
  dev('VirtualParallelPort', 10000, {
    controllerKey: 400,
    unitNumber: 0,
    backing: { _type: 'VirtualParallelPortFileBackingInfo', fileName: '[datastore1] web/par.txt' },
  }),
];

const CONFIG: VmConfigView = {
  name: 'web%2f1',
  uuid: '421c5e16-9bdc-49d7-f171-53c4d7f91710',
  annotation: 'front end',
  guestId: 'rhel7_64Guest',
  firmware: 'efi',
  hardware: { _type: 'VirtualHardware', numCPU: 4, numCoresPerSocket: 2, memoryMB: 2048, device: DEVICES },
  cpuAllocation: {
    _type: 'ResourceAllocationInfo',
    reservation: 0,
    limit: -1,
    shares: { _type: 'SharesInfo', shares: 8000, level: 'high' },
  },
  memoryAllocation: {
    _type: 'ResourceAllocationInfo',
    reservation: 512,
    limit: 1024,
    shares: { _type: 'SharesInfo', shares: 20480, level: 'normal' },
  },
};

test('the configuration gives the XML the VMX gives', () => {
  const fromVmx = formatDomain(vmxToDomain(VMX, offlineContext({ datacenterPath: 'dc1' })));
  const warnings: string[] = [];
  const fromApi = formatDomain(configToDomain(CONFIG, { datacenterPath: 'dc1', warn: (m) => warnings.push(m) }));
  assert.equal(fromApi, fromVmx);
  assert.deepEqual(warnings, []);
  // and the details that make it so
  assert.match(fromApi, /<name>web\/1<\/name>/);
  assert.match(fromApi, /<controller type='scsi' index='0' model='lsisas1068'\/>/);
  assert.match(
    fromApi,
    /<source switchid='502a8c3b-6b14-6e4c-a06d-2e510a751b8e' portid='12' portgroupid='dvportgroup-34' connectionid='5678'\/>/,
  );
  assert.match(
    fromApi,
    /<disk type='file' device='cdrom'>\n\s+<source file='\[datastore1\] iso\/install.iso'\/>\n\s+<target dev='hdc' bus='ide'\/>/,
  );
});

// vSphere writes a listening serial port as 'telnet://:port'; libvirt's VMX reader refuses a URI without a host, but a
// configuration read from the API keeps the port and leaves the host out (libvirt's <source> has it optional).
test('a serial service URI without a host keeps its port', () => {
  const def = configToDomain({
    name: 's',
    hardware: {
      _type: 'VirtualHardware',
      numCPU: 1,
      memoryMB: 64,
      device: [
        dev('VirtualSerialPort', 9000, {
          unitNumber: 0,
          backing: { _type: 'VirtualSerialPortURIBackingInfo', serviceURI: 'telnet://:2001', direction: 'server' },
        }),
      ],
    },
  });
  assert.deepEqual(def.serials, [{ type: 'tcp', mode: 'bind', service: '2001', protocol: 'telnet', port: 0 }]);
  assert.throws(() => vmxToDomain(VMX.replace('telnet://0.0.0.0:2001', 'telnet://:2001'), offlineContext({})), /serial0\.fileName/);
});

// libvirt's VMX reader ignores svga.numDisplays; the API's numDisplays becomes heads.
test('a video card with several displays has heads', () => {
  const def = configToDomain({
    name: 'v',
    hardware: {
      _type: 'VirtualHardware',
      numCPU: 1,
      memoryMB: 64,
      device: [dev('VirtualMachineVideoCard', 500, { controllerKey: 100, unitNumber: 0, videoRamSizeInKB: 8192, numDisplays: 2 })],
    },
  });
  assert.deepEqual(def.videos, [{ model: 'vmvga', vramKiB: 8192, primary: true, heads: 2 }]);
});

test('custom shares, 32-bit guests, bios firmware, no limits', () => {
  const def = configToDomain({
    name: 'small',
    guestId: 'otherGuest',
    firmware: 'bios',
    hardware: { _type: 'VirtualHardware', numCPU: 2, numCoresPerSocket: 1, memoryMB: 512 },
    cpuAllocation: { _type: 'ResourceAllocationInfo', shares: { _type: 'SharesInfo', shares: 1234, level: 'custom' } },
    memoryAllocation: { _type: 'ResourceAllocationInfo', reservation: 0, limit: -1 },
  });
  assert.equal(def.cpuShares, 1234);
  assert.equal(def.os.arch, 'i686');
  assert.equal(def.os.firmware, undefined);
  assert.equal(def.topology, undefined);
  assert.equal(def.currentMemoryKiB, undefined);
  assert.equal(def.minGuaranteeKiB, undefined);
  assert.equal(def.memoryKiB, 512 * 1024);
  assert.equal(def.uuid, undefined);
  assert.deepEqual(def.disks, []);
});

test('devices without an XML form are reported and left out; a disk wins a shared slot', () => {
  const warnings: string[] = [];
  const def = configToDomain(
    {
      name: 'odd',
      hardware: {
        _type: 'VirtualHardware',
        numCPU: 1,
        memoryMB: 64,
        device: [
          dev('ParaVirtualSCSIController', 1000, { busNumber: 0, sharedBus: 'noSharing' }),
          dev('VirtualNVMEController', 31000, { busNumber: 0 }),
          // vcsim puts its CD-ROM into the disk's slot
          dev('VirtualCdrom', 5, {
            controllerKey: 1000,
            unitNumber: 0,
            backing: { _type: 'VirtualCdromAtapiBackingInfo', deviceName: 'cdrom-1', useAutoDetect: true },
          }),
          dev('VirtualDisk', 2000, {
            controllerKey: 1000,
            unitNumber: 0,
            capacityInKB: 1,
            backing: { _type: 'VirtualDiskSparseVer2BackingInfo', fileName: '[ds] odd/odd.vmdk', diskMode: 'persistent' },
          }),
          dev('VirtualDisk', 2001, {
            controllerKey: 31000,
            unitNumber: 0,
            capacityInKB: 1,
            backing: { _type: 'VirtualDiskFlatVer2BackingInfo', fileName: '[ds] odd/nvme.vmdk', diskMode: 'persistent' },
          }),
          dev('VirtualEthernetCard', 4000, {
            backing: { _type: 'VirtualEthernetCardOpaqueNetworkBackingInfo', opaqueNetworkId: 'x', opaqueNetworkType: 'nsx' },
          }),
        ],
      },
    },
    { warn: (m) => warnings.push(m) },
  );
  assert.deepEqual(
    def.disks.map((d) => [d.targetDev, d.src]),
    [['sda', '[ds] odd/odd.vmdk']],
  );
  assert.deepEqual(def.controllers, [{ type: 'scsi', index: 0, model: 'vmpvscsi' }]);
  assert.deepEqual(def.interfaces, [{ type: 'null' }]);
  assert.equal(warnings.length, 3, warnings.join('\n'));
  assert.match(warnings.join('\n'), /VirtualCdrom 5: scsi slot 0:0:0 is taken/);
  assert.match(warnings.join('\n'), /VirtualDisk 2001: NVMe disks have no domain XML form/);
  assert.match(warnings.join('\n'), /opaque/i);
});
