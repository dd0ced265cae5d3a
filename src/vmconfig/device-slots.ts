/**
 * Where devices sit: the controllers of a VM and the units taken on them, as config.hardware.device tells (plus the
 * changes planned so far), and the mapping between a controller slot and a domain `<address type='drive'>`:
 *   SCSI  controller = busNumber of the SCSI controller, unit 0..15 (0..63 on PVSCSI), never the controller's own
 *         unit (scsiCtlrUnitNumber, 7)
 *   IDE   controller 0, bus = busNumber of the IDE controller (0, 1), unit 0..1
 *   SATA  controller = busNumber of the SATA controller, unit 0..29
 *   fdc   the SIO controller, unit 0..1; serial ports 0..3 and parallel ports 0..2 number apart on it
 * Target names follow the same numbering as config-to-domain.ts and the VMX reader (sda…, hda…, fda…).
 */
import type { DiskBus, DriveAddress } from '../conf/domain/domain-def.js';
import type { AnyVirtualDevice } from '../vim25/generated/types.js';
import { isA } from './wire-types.js';

/** A disk controller of the VM (or one the plan adds). */
export interface ControllerSlot {
  /** Device key; undefined for an SIO controller the VM does not show (the server places the device). */
  key: number | undefined;
  bus: DiskBus;
  busNumber: number;
  /** Units the controller takes itself (SCSI: scsiCtlrUnitNumber, 7 unless told otherwise). */
  ownUnit?: number;
}

/** Kinds of device numbered apart on the SIO controller. */
export type SioKind = 'floppy' | 'serial' | 'parallel';

/** Highest unit of each bus a first-free search goes to (explicit addresses may go further where VMware allows). */
export const MAX_AUTO_UNIT: Record<DiskBus, number> = { scsi: 15, ide: 1, sata: 29, fdc: 1 };
/** Highest controller index (SCSI, SATA) or bus (IDE) of each bus. */
export const MAX_CONTROLLER: Record<DiskBus, number> = { scsi: 3, ide: 1, sata: 3, fdc: 0 };

/** The disk name index of a slot, as the VMX reader and config-to-domain number them (sda.., hda.., fda..). */
export function targetIndex(bus: DiskBus, a: DriveAddress): number {
  if (bus === 'scsi') return a.controller * 15 + (a.unit < 7 ? a.unit : a.unit - 1);
  if (bus === 'ide') return a.bus * 2 + a.unit;
  if (bus === 'fdc') return a.unit;
  return a.controller * 30 + a.unit;
}

/** The controller's busNumber a drive address denotes (IDE: its bus; others: its controller). */
export function busNumberOf(bus: DiskBus, a: DriveAddress): number {
  return bus === 'ide' ? a.bus : bus === 'fdc' ? 0 : a.controller;
}

/** The drive address of unit `unit` on a controller of `bus` with `busNumber`. */
export function addressOf(bus: DiskBus, busNumber: number, unit: number): DriveAddress {
  if (bus === 'ide') return { controller: 0, bus: busNumber, target: 0, unit };
  return { controller: bus === 'fdc' ? 0 : busNumber, bus: 0, target: 0, unit };
}

/** The SIO kind of a device, if it sits on the SIO controller by nature. */
export function sioKindOf(device: unknown): SioKind | undefined {
  return isA(device, 'VirtualFloppy')
    ? 'floppy'
    : isA(device, 'VirtualSerialPort')
      ? 'serial'
      : isA(device, 'VirtualParallelPort')
        ? 'parallel'
        : undefined;
}

/** The bus of a disk controller device, undefined for other devices. */
export function busOfController(device: unknown): DiskBus | undefined {
  if (isA(device, 'VirtualSCSIController')) return 'scsi';
  if (isA(device, 'VirtualIDEController')) return 'ide';
  if (isA(device, 'VirtualSATAController')) return 'sata';
  return undefined;
}

/** Controllers and taken units; updated as the plan adds and removes devices. */
export class SlotTable {
  readonly controllers: ControllerSlot[] = [];
  /** The SIO controller (floppies, serial and parallel ports). */
  sio: ControllerSlot = { key: undefined, bus: 'fdc', busNumber: 0 };
  private readonly taken = new Map<string, AnyVirtualDevice>();

  constructor(devices: readonly AnyVirtualDevice[]) {
    for (const d of devices) {
      const bus = busOfController(d);
      const busNumber = (d as { busNumber?: number }).busNumber ?? 0;
      if (bus !== undefined)
        this.addController({
          key: d.key,
          bus,
          busNumber,
          ...(bus === 'scsi' ? { ownUnit: (d as { scsiCtlrUnitNumber?: number }).scsiCtlrUnitNumber ?? 7 } : {}),
        });
      else if (isA(d, 'VirtualSIOController')) this.sio = { key: d.key, bus: 'fdc', busNumber: 0 };
    }
    for (const d of devices) this.occupy(d);
  }

  /** The controller of `bus` with `busNumber`, if any. */
  controller(bus: DiskBus, busNumber: number): ControllerSlot | undefined {
    if (bus === 'fdc') return this.sio;
    return this.controllers.find((c) => c.bus === bus && c.busNumber === busNumber);
  }

  /** Controllers of `bus` by busNumber. */
  controllersOf(bus: DiskBus): ControllerSlot[] {
    if (bus === 'fdc') return [this.sio];
    return this.controllers.filter((c) => c.bus === bus).sort((a, b) => a.busNumber - b.busNumber);
  }

  /** Records a controller. */
  addController(c: ControllerSlot): void {
    this.controllers.push(c);
  }

  /** Forgets a controller. */
  removeController(key: number): void {
    const i = this.controllers.findIndex((c) => c.key === key);
    if (i >= 0) this.controllers.splice(i, 1);
  }

  /** The controller slot a device with this controllerKey sits on. */
  controllerByKey(key: number | undefined): ControllerSlot | undefined {
    if (key === undefined) return undefined;
    if (this.sio.key === key) return this.sio;
    return this.controllers.find((c) => c.key === key);
  }

  /** The device on `unit` of controller `c` (for the SIO controller: of kind `kind`). */
  occupant(c: ControllerSlot, unit: number, kind?: SioKind): AnyVirtualDevice | undefined {
    return this.taken.get(slotId(c.key, unit, kind));
  }

  /** Every device on controller `c` (for SIO: of kind `kind`), by unit. */
  occupants(c: ControllerSlot, kind?: SioKind): Map<number, AnyVirtualDevice> {
    const out = new Map<number, AnyVirtualDevice>();
    const prefix = `${c.key ?? 'sio'}/${kind !== undefined ? `${kind}/` : ''}`;
    for (const [id, d] of this.taken) {
      if (!id.startsWith(prefix)) continue;
      const unit = Number(id.slice(prefix.length));
      if (Number.isInteger(unit)) out.set(unit, d);
    }
    return out;
  }

  /** Marks the device's slot taken (the first device keeps a slot two devices claim). */
  occupy(d: AnyVirtualDevice): void {
    const id = this.slotOf(d);
    if (id !== undefined && !this.taken.has(id)) this.taken.set(id, d);
  }

  /** Frees the device's slot. */
  free(d: AnyVirtualDevice): void {
    const id = this.slotOf(d);
    if (id !== undefined && this.taken.get(id) === d) this.taken.delete(id);
  }

  private slotOf(d: AnyVirtualDevice): string | undefined {
    if (d.unitNumber === undefined) return undefined;
    const kind = sioKindOf(d);
    // A floppy or port the plan adds without a known SIO controller still keeps its number.
    if (kind !== undefined && (d.controllerKey === undefined || d.controllerKey === this.sio.key))
      return slotId(this.sio.key, d.unitNumber, kind);
    if (d.controllerKey === undefined) return undefined;
    return slotId(d.controllerKey, d.unitNumber, kind);
  }
}

function slotId(key: number | undefined, unit: number, kind?: SioKind): string {
  return `${key ?? 'sio'}/${kind !== undefined ? `${kind}/` : ''}${unit}`;
}
