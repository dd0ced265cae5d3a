/**
 * Device changes for ReconfigVM_Task and CreateVM_Task: a plan starts from the VM's devices (config.hardware.device,
 * as decoded) and turns domain devices into VirtualDeviceConfigSpecs, keeping track of slots, so that a run of
 * changes (one `edit`, one CreateVM) never puts two devices in one slot. Rules:
 *   add     a slot from `<address>`, else from the target name, else the first free one (SCSI units 0..15 but the
 *           controller's own 7, IDE 2 buses × 2 units, SATA 30 units, floppy 2, serial 4, parallel 3); a taken slot
 *           is a ConfigError. A missing SCSI/SATA (or, at creation, IDE) controller is added first, with a negative
 *           temporary key the device refers to; the SCSI model comes from the domain's `<controller model>` or
 *           the disk's `<driver name>`, 'auto' from the context's detection, else the guest's recommendation,
 *           else lsilogic. New devices get negative keys; NICs are left for the server to place on the PCI bus.
 *   edit    the existing device (found as device-match.ts says), copied, with only what the domain changes:
 *           a CD-ROM's or floppy's medium, a disk's mode and write-through, a NIC's network and MAC type, a
 *           port's backing, the video RAM and displays. What vSphere cannot change in place (a disk's file, a
 *           NIC's model, a drive's kind, a SCSI controller's model) is an UnsupportedError.
 *   remove  the existing device as the server reported it; a disk's file is destroyed only when asked.
 */
import { ConfigError, UnsupportedError } from '../errors.js';
import type { ChrDef, ControllerDef, DiskBus, DiskDef, DriveAddress, InterfaceDef, VideoDef } from '../conf/domain/domain-def.js';
import { diskName } from '../conf/domain/disk-names.js';
import type { AnyVirtualDevice, VirtualDeviceConfigSpec } from '../vim25/generated/types.js';
import { chrDevice, driveDevice, nicDevice } from './device-backings.js';
import type { VmConfigContext } from './device-context.js';
import { editedDevice } from './device-edit.js';
import { describeDevice, findDevice, requestedAddress, requireDevice, type DomainDevice } from './device-match.js';
import { addressOf, busNumberOf, MAX_AUTO_UNIT, MAX_CONTROLLER, SlotTable, targetIndex, type ControllerSlot } from './device-slots.js';
import { isA, SCSI_TYPES, typeOf } from './wire-types.js';

/** One change of a device: add it, change it, or remove it (optionally with its disk file). */
export interface DeviceChange {
  op: 'add' | 'edit' | 'remove';
  device: DomainDevice;
  /** remove: delete the disk's file too (fileOperation 'destroy'). */
  destroyFile?: boolean;
}

/** Settings of a plan beyond the context. */
export interface PlanOptions {
  /** The domain's `<controller>`s: the models of SCSI controllers the plan adds. */
  controllers?: readonly ControllerDef[];
}

const PORTS = { serial: 4, parallel: 3 } as const;
const BUS_NAMES: Record<DiskBus, string> = { scsi: 'SCSI', ide: 'IDE', sata: 'SATA', fdc: 'floppy' };

function addressText(bus: DiskBus, a: DriveAddress): string {
  return `${BUS_NAMES[bus]} slot ${a.controller}:${a.bus}:${a.unit}`;
}

/** Range checks of a drive address, as the VMX writer makes them. */
function checkAddress(disk: DiskDef, a: DriveAddress): void {
  const t = disk.targetDev;
  const bad = (): never => {
    throw new ConfigError(`${BUS_NAMES[disk.bus]} address ${a.controller}:${a.bus}:${a.unit} of disk '${t}' out of range`);
  };
  if (a.target !== 0) bad();
  switch (disk.bus) {
    case 'scsi':
      if (a.controller > 3 || a.bus !== 0 || a.unit > 63) bad();
      break;
    case 'ide':
      if (a.controller !== 0 || a.bus > 1 || a.unit > 1) bad();
      break;
    case 'sata':
      if (a.controller > 3 || a.bus !== 0 || a.unit > 29) bad();
      break;
    case 'fdc':
      if (a.controller !== 0 || a.bus !== 0 || a.unit > 1) bad();
      break;
  }
}

/** Builds the device changes of one reconfiguration (or creation), slot by slot. */
export class DevicePlan {
  private readonly slots: SlotTable;
  private readonly devices: AnyVirtualDevice[];
  private readonly changes: VirtualDeviceConfigSpec[] = [];
  private nextKey: number;

  constructor(
    current: readonly AnyVirtualDevice[],
    private readonly ctx: VmConfigContext = {},
    private readonly opts: PlanOptions = {},
  ) {
    this.devices = current.map((d) => structuredClone(d));
    this.slots = new SlotTable(this.devices);
    this.nextKey = Math.min(0, ...this.devices.map((d) => d.key)) - 1;
  }

  /** The device changes so far, in order. */
  get specs(): VirtualDeviceConfigSpec[] {
    return [...this.changes];
  }

  /** The VM's devices as they will be after the changes (new ones with their temporary keys). */
  get result(): readonly AnyVirtualDevice[] {
    return this.devices;
  }

  /** The existing (or planned) device a domain device denotes, undefined when none. */
  find(device: DomainDevice): AnyVirtualDevice | undefined {
    return findDevice(this.devices, this.slots, device);
  }

  /** Applies one change; for 'add', returns the device as placed (address, target name, port filled in). */
  apply(change: DeviceChange): DomainDevice {
    if (change.op === 'add') return this.add(change.device);
    if (change.op === 'edit') this.edit(change.device);
    else this.remove(change.device, change.destroyFile);
    return change.device;
  }

  /** Adds a device; returns it as placed. */
  add(device: DomainDevice): DomainDevice {
    switch (device.kind) {
      case 'disk':
        return { kind: 'disk', def: this.addDrive(device.def) };
      case 'interface':
        this.addInterface(device.def);
        return device;
      case 'controller':
        this.addController(device.def);
        return device;
      case 'serial':
      case 'parallel':
        return { kind: device.kind, def: this.addPort(device.kind, device.def) };
      case 'video':
        this.addVideo(device.def);
        return device;
    }
  }

  /** Changes an existing device to match `device`; false when nothing differs (no spec is added). */
  edit(device: DomainDevice): boolean {
    const old = requireDevice(this.devices, this.slots, device);
    const next = editedDevice(old, device, this.ctx);
    if (next === undefined) return false;
    this.replace(old, next);
    const pending = this.changes.find((c) => c.device === old);
    if (pending) pending.device = next;
    else this.changes.push({ _type: 'VirtualDeviceConfigSpec', operation: 'edit', device: next });
    return true;
  }

  /** Removes the device `device` denotes (a planned one is dropped from the plan). */
  remove(device: DomainDevice, destroyFile = false): void {
    const old = requireDevice(this.devices, this.slots, device);
    this.devices.splice(this.devices.indexOf(old), 1);
    this.slots.free(old);
    if (busOrSio(old)) this.slots.removeController(old.key);
    const pending = this.changes.findIndex((c) => c.device === old);
    if (pending >= 0 && old.key < 0) {
      this.changes.splice(pending, 1);
      return;
    }
    if (pending >= 0) this.changes.splice(pending, 1);
    const destroy = destroyFile && isA(old, 'VirtualDisk');
    this.changes.push({
      _type: 'VirtualDeviceConfigSpec',
      operation: 'remove',
      ...(destroy ? { fileOperation: 'destroy' as const } : {}),
      device: old,
    });
  }

  private replace(old: AnyVirtualDevice, next: AnyVirtualDevice): void {
    this.devices[this.devices.indexOf(old)] = next;
    this.slots.free(old);
    this.slots.occupy(next);
  }

  private push(device: AnyVirtualDevice, fileOperation?: 'create'): void {
    this.devices.push(device);
    this.slots.occupy(device);
    this.changes.push({ _type: 'VirtualDeviceConfigSpec', operation: 'add', ...(fileOperation ? { fileOperation } : {}), device });
  }

  private newKey(): number {
    return this.nextKey--;
  }

  private addDrive(disk: DiskDef): DiskDef {
    const create = disk.device === 'disk' ? this.ctx.newDisk?.(disk) : undefined;
    const device = driveDevice(disk, create);
    const kind = disk.device === 'floppy' ? 'floppy' : undefined;
    const wanted = requestedAddress(disk);
    let ctl: ControllerSlot;
    let unit: number;
    if (wanted) {
      checkAddress(disk, wanted);
      const busNumber = busNumberOf(disk.bus, wanted);
      ctl = this.slots.controller(disk.bus, busNumber) ?? this.addDiskController(disk.bus, busNumber, disk);
      unit = wanted.unit;
      if (disk.bus === 'scsi' && unit === (ctl.ownUnit ?? 7))
        throw new ConfigError(`SCSI unit ${unit} of disk '${disk.targetDev}' is taken by the controller`);
      const other = this.slots.occupant(ctl, unit, kind);
      if (other) throw new ConfigError(`${addressText(disk.bus, wanted)} of disk '${disk.targetDev}' is taken by ${describeDevice(other)}`);
    } else {
      ({ ctl, unit } = this.firstFree(disk));
    }
    device.key = this.newKey();
    if (ctl.key !== undefined) device.controllerKey = ctl.key;
    device.unitNumber = unit;
    this.push(device, create ? 'create' : undefined);
    const address = addressOf(disk.bus, ctl.busNumber, unit);
    const prefix = disk.bus === 'ide' ? 'hd' : disk.bus === 'fdc' ? 'fd' : 'sd';
    return { ...disk, address, targetDev: disk.targetDev || diskName(prefix, targetIndex(disk.bus, address)) };
  }

  private firstFree(disk: DiskDef): { ctl: ControllerSlot; unit: number } {
    const kind = disk.device === 'floppy' ? 'floppy' : undefined;
    for (const ctl of this.slots.controllersOf(disk.bus)) {
      for (let unit = 0; unit <= MAX_AUTO_UNIT[disk.bus]; unit++) {
        if (disk.bus === 'scsi' && unit === (ctl.ownUnit ?? 7)) continue;
        if (!this.slots.occupant(ctl, unit, kind)) return { ctl, unit };
      }
    }
    for (let busNumber = 0; busNumber <= MAX_CONTROLLER[disk.bus]; busNumber++) {
      if (disk.bus !== 'fdc' && !this.slots.controller(disk.bus, busNumber))
        return { ctl: this.addDiskController(disk.bus, busNumber, disk), unit: 0 };
    }
    throw new ConfigError(
      `no free ${BUS_NAMES[disk.bus]} slot for disk '${disk.targetDev || disk.src || '?'}': every ${disk.bus === 'fdc' ? 'floppy drive' : 'controller'} is full`,
    );
  }

  /** The model of a SCSI controller the plan adds, by the domain, the disk, the context and the guest. */
  private scsiModel(index: number, disk?: DiskDef, explicit?: string): string {
    let model = explicit ?? this.opts.controllers?.find((c) => c.type === 'scsi' && c.index === index)?.model;
    const driver = disk?.driverName?.toLowerCase();
    if (driver !== undefined && disk?.device === 'disk') {
      if (!typeOf(SCSI_TYPES, driver))
        throw new UnsupportedError(
          `expecting <driver name> of disk '${disk.targetDev}' to be buslogic, lsilogic, lsisas1068 or vmpvscsi but found '${disk.driverName}'`,
        );
      if (model === undefined || model === 'auto') model = driver;
      else if (model !== driver)
        throw new ConfigError(`inconsistent SCSI controller model ('${driver}' is not '${model}') for SCSI controller index ${index}`);
    }
    if (model === 'auto' && disk?.device === 'disk') model = this.ctx.autodetectScsiModel?.(disk);
    if (model === undefined || model === 'auto') model = this.ctx.recommended?.scsiModel;
    if (model === undefined || model === 'auto') model = 'lsilogic';
    if (!typeOf(SCSI_TYPES, model))
      throw new UnsupportedError(
        `unsupported SCSI controller model '${model}': expecting auto, buslogic, lsilogic, lsisas1068 or vmpvscsi`,
      );
    return model;
  }

  private addDiskController(bus: DiskBus, busNumber: number, disk?: DiskDef, model?: string): ControllerSlot {
    if (busNumber > MAX_CONTROLLER[bus])
      throw new ConfigError(`${BUS_NAMES[bus]} controller index ${busNumber} out of range 0..${MAX_CONTROLLER[bus]}`);
    const key = this.newKey();
    let device: AnyVirtualDevice;
    if (bus === 'scsi')
      device = { _type: typeOf(SCSI_TYPES, this.scsiModel(busNumber, disk, model)), key, busNumber, sharedBus: 'noSharing' };
    else if (bus === 'sata') device = { _type: 'VirtualAHCIController', key, busNumber };
    else if (bus === 'ide') device = { _type: 'VirtualIDEController', key, busNumber };
    else throw new UnsupportedError('the floppy controller is built into VMware VMs: it cannot be added');
    const slot: ControllerSlot = { key, bus, busNumber, ...(bus === 'scsi' ? { ownUnit: 7 } : {}) };
    this.slots.addController(slot);
    this.push(device);
    return slot;
  }

  private addController(c: ControllerDef): void {
    const existing = findDevice(this.devices, this.slots, { kind: 'controller', def: c });
    if (existing) throw new ConfigError(`${BUS_NAMES[c.type]} controller ${c.index} exists (${describeDevice(existing)})`);
    this.addDiskController(c.type, c.index, undefined, c.model);
  }

  private addInterface(net: InterfaceDef): void {
    const device = nicDevice(net, this.ctx);
    const mac = (device as { macAddress?: string }).macAddress;
    const twin = mac === undefined ? undefined : findDevice(this.devices, this.slots, { kind: 'interface', def: { type: net.type, mac } });
    if (twin) throw new ConfigError(`MAC address ${mac} of the new interface is taken by ${describeDevice(twin)}`);
    device.key = this.newKey();
    this.push(device);
  }

  private addPort(kind: 'serial' | 'parallel', chr: ChrDef): ChrDef {
    const device = chrDevice(kind, chr);
    const taken = this.slots.occupants(this.slots.sio, kind);
    let port = chr.port;
    if (port < 0) {
      port = [0, 1, 2, 3].find((p) => p < PORTS[kind] && !taken.has(p)) ?? -1;
      if (port < 0) throw new ConfigError(`no free ${kind} port: all ${PORTS[kind]} are taken`);
    }
    if (port >= PORTS[kind]) throw new UnsupportedError(`${kind} port ${port} out of range 0..${PORTS[kind] - 1}`);
    const other = taken.get(port);
    if (other) throw new ConfigError(`${kind} port ${port} is taken by ${describeDevice(other)}`);
    device.key = this.newKey();
    if (this.slots.sio.key !== undefined) device.controllerKey = this.slots.sio.key;
    device.unitNumber = port;
    this.push(device);
    return { ...chr, port };
  }

  private addVideo(v: VideoDef): void {
    if (this.devices.some((d) => isA(d, 'VirtualMachineVideoCard')))
      throw new ConfigError('the VM has a video card already: VMware VMs have one, to be changed rather than added');
    if (v.model !== 'vmvga') throw new UnsupportedError(`unsupported video model '${v.model}': only 'vmvga'`);
    this.push({
      _type: 'VirtualMachineVideoCard',
      key: this.newKey(),
      videoRamSizeInKB: v.vramKiB ?? 4096,
      ...(v.heads !== undefined && v.heads > 1 ? { numDisplays: v.heads } : {}),
    });
  }
}

function busOrSio(d: AnyVirtualDevice): boolean {
  return isA(d, 'VirtualController');
}

/** The device changes of `changes` applied in order to a VM with `current` devices. */
export function deviceSpecs(
  current: readonly AnyVirtualDevice[],
  changes: DeviceChange | readonly DeviceChange[],
  ctx: VmConfigContext = {},
  opts: PlanOptions = {},
): VirtualDeviceConfigSpec[] {
  const plan = new DevicePlan(current, ctx, opts);
  for (const c of Array.isArray(changes) ? changes : [changes as DeviceChange]) plan.apply(c);
  return plan.specs;
}
