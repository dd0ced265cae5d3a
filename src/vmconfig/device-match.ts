/**
 * Which existing device a domain device denotes, for edit and remove:
 *   disk, CD-ROM, floppy  by its slot (`<address>`, else the target name), else by its source file or device
 *   interface             by MAC address (any case), else by its bridge/network name when only one NIC has it
 *   controller            SCSI/SATA by index (the controller's busNumber)
 *   serial, parallel      by port (the unit on the SIO controller)
 *   video                 the VM's one video card
 */
import { ConfigError, NotFoundError, UnsupportedError } from '../errors.js';
import type { ChrDef, ControllerDef, DiskDef, DriveAddress, InterfaceDef, VideoDef } from '../conf/domain/domain-def.js';
import { diskIndex } from '../conf/domain/disk-names.js';
import { addressForIndex } from '../conf/domain/parse-domain-devices.js';
import type { AnyVirtualDevice } from '../vim25/generated/types.js';
import { apiFileName } from './device-backings.js';
import { busNumberOf, busOfController, type SlotTable } from './device-slots.js';
import { isA } from './wire-types.js';

/** A device of the domain model, tagged with its kind. */
export type DomainDevice =
  | { kind: 'disk'; def: DiskDef }
  | { kind: 'interface'; def: InterfaceDef }
  | { kind: 'controller'; def: ControllerDef }
  | { kind: 'serial'; def: ChrDef }
  | { kind: 'parallel'; def: ChrDef }
  | { kind: 'video'; def: VideoDef };

/** The address a disk asks for: its `<address>`, else the one its target name implies; undefined for neither. */
export function requestedAddress(disk: DiskDef): DriveAddress | undefined {
  if (disk.address) return disk.address;
  const idx = diskIndex(disk.targetDev);
  return idx ? addressForIndex(disk.bus, idx.index) : undefined;
}

/** How errors name a device: its label, else its wire type and key. */
export function describeDevice(d: AnyVirtualDevice): string {
  return d.key < 0 ? `the new ${d._type ?? 'device'}` : `'${d.deviceInfo?.label ?? `${d._type ?? 'device'} ${d.key}`}'`;
}

/** The wire type family of a drive of the domain. */
export function driveTypeOf(disk: DiskDef): string {
  return disk.device === 'disk' ? 'VirtualDisk' : disk.device === 'floppy' ? 'VirtualFloppy' : 'VirtualCdrom';
}

function drivesAt(devices: readonly AnyVirtualDevice[], slots: SlotTable, disk: DiskDef, a: DriveAddress): AnyVirtualDevice[] {
  if (disk.bus === 'fdc') return devices.filter((d) => isA(d, 'VirtualFloppy') && d.unitNumber === a.unit);
  const ctl = slots.controller(disk.bus, busNumberOf(disk.bus, a));
  if (ctl?.key === undefined) return [];
  return devices.filter(
    (d) => d.controllerKey === ctl.key && d.unitNumber === a.unit && ['VirtualDisk', 'VirtualCdrom'].some((t) => isA(d, t)),
  );
}

function sourceOf(d: AnyVirtualDevice): string | undefined {
  const b = d.backing as { fileName?: string; deviceName?: string } | undefined;
  return b?.fileName ?? b?.deviceName;
}

/** The existing drive a domain disk denotes, undefined when none. */
export function findDrive(devices: readonly AnyVirtualDevice[], slots: SlotTable, disk: DiskDef): AnyVirtualDevice | undefined {
  const a = requestedAddress(disk);
  if (a) {
    const found = drivesAt(devices, slots, disk, a);
    // vcsim puts a CD-ROM into a disk's slot: the device of the disk's own kind wins
    return found.find((d) => isA(d, driveTypeOf(disk))) ?? found[0];
  }
  if (disk.src === undefined) throw new ConfigError('a disk to find needs a target, an address or a source');
  const src = disk.type === 'file' ? apiFileName(disk.src, `disk '${disk.src}'`) : disk.src;
  const found = devices.filter((d) => ['VirtualDisk', 'VirtualCdrom', 'VirtualFloppy'].some((t) => isA(d, t)) && sourceOf(d) === src);
  if (found.length > 1) throw new ConfigError(`source '${disk.src}' is used by ${found.length} drives: give the target`);
  return found[0];
}

/** The existing NIC a domain interface denotes, undefined when none. */
export function findInterface(devices: readonly AnyVirtualDevice[], net: InterfaceDef): AnyVirtualDevice | undefined {
  const nics = devices.filter((d) => isA(d, 'VirtualEthernetCard'));
  if (net.mac !== undefined) {
    const mac = net.mac.toLowerCase();
    return nics.find((d) => (d as { macAddress?: string }).macAddress?.toLowerCase() === mac);
  }
  const name = net.bridge;
  if (name === undefined) throw new ConfigError('an interface to find needs a MAC address or a network name');
  const found = nics.filter((d) => (d.backing as { deviceName?: string } | undefined)?.deviceName === name);
  if (found.length > 1) throw new ConfigError(`network '${name}' has ${found.length} interfaces: give the MAC address`);
  return found[0];
}

/** The existing SCSI or SATA controller a domain controller denotes, undefined when none. */
export function findController(devices: readonly AnyVirtualDevice[], c: ControllerDef): AnyVirtualDevice | undefined {
  if (c.type !== 'scsi' && c.type !== 'sata')
    throw new UnsupportedError(
      `${c.type === 'ide' ? 'IDE' : 'floppy'} controllers are built into VMware VMs: they cannot be added, changed or removed`,
    );
  return devices.find((d) => busOfController(d) === c.type && (d as { busNumber?: number }).busNumber === c.index);
}

/** The existing serial or parallel port on the domain port's number, undefined when none. */
export function findPort(devices: readonly AnyVirtualDevice[], kind: 'serial' | 'parallel', chr: ChrDef): AnyVirtualDevice | undefined {
  if (chr.port < 0) throw new ConfigError(`a ${kind} port to find needs its port number (<target port=…>)`);
  return devices.find((d) => isA(d, kind === 'serial' ? 'VirtualSerialPort' : 'VirtualParallelPort') && d.unitNumber === chr.port);
}

/** The existing device `device` denotes, undefined when none. */
export function findDevice(devices: readonly AnyVirtualDevice[], slots: SlotTable, device: DomainDevice): AnyVirtualDevice | undefined {
  switch (device.kind) {
    case 'disk':
      return findDrive(devices, slots, device.def);
    case 'interface':
      return findInterface(devices, device.def);
    case 'controller':
      return findController(devices, device.def);
    case 'serial':
    case 'parallel':
      return findPort(devices, device.kind, device.def);
    case 'video':
      return devices.find((d) => isA(d, 'VirtualMachineVideoCard'));
  }
}

/** What a domain device is called in messages ("disk 'sdb'", "interface 00:50:56:01:02:03" …). */
export function nameOf(device: DomainDevice): string {
  switch (device.kind) {
    case 'disk':
      return `disk '${device.def.targetDev || device.def.src || '?'}'`;
    case 'interface':
      return `interface ${device.def.mac ?? `on '${device.def.bridge ?? '?'}'`}`;
    case 'controller':
      return `${device.def.type} controller ${device.def.index}`;
    case 'serial':
    case 'parallel':
      return `${device.kind} port ${device.def.port}`;
    case 'video':
      return 'video card';
  }
}

/** Like findDevice, but a NotFoundError names what was looked for. */
export function requireDevice(devices: readonly AnyVirtualDevice[], slots: SlotTable, device: DomainDevice): AnyVirtualDevice {
  const d = findDevice(devices, slots, device);
  if (d === undefined) throw new NotFoundError(`the VM has no ${nameOf(device)}`);
  return d;
}
