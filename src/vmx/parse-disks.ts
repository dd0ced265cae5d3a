/**
 * VMX disks → domain disks and controllers, as libvirt 9.0 reads them. Scan order: SCSI
 * controllers 0–3 (units 0–15 but 7; 0–63 from virtualHW 13 on), SATA controllers 0–3 (units
 * 0–29), IDE 0:0–1:1, floppy 0–1. Each slot is read as a hard disk (a .vmdk) or as a CD-ROM (an
 * .iso, `emptyBackingString`, a raw or passthrough device); client devices are skipped.
 * Target names: sdX with SCSI index controller·15 + unit (unit 7 skipped) and SATA index
 * controller·30 + unit (so SATA names can repeat SCSI ones, as in libvirt), hdX, fdX; drive
 * addresses are derived from the name as libvirt assigns them (SATA: 6 units a controller;
 * SCSI from virtualHW 13 on: 63 units a controller, unit 7 skipped).
 */
import { ConfigError } from '../errors.js';
import type { ControllerDef, DiskBus, DiskDef, DomainDef, DriveAddress } from '../conf/domain/domain-def.js';
import { diskName } from '../conf/domain/disk-names.js';
import type { VmxContext } from './context.js';
import type { VmxConfig } from './vmx-text.js';
import { vmxBool, vmxLong, vmxString } from './vmx-values.js';

const SCSI_MODELS: Record<string, string> = { buslogic: 'buslogic', lsilogic: 'lsilogic', lsisas1068: 'lsisas1068', pvscsi: 'vmpvscsi' };

interface Slot {
  prefix: string;
  bus: DiskBus;
  /** Index of the target name (sda = 0). */
  index: number;
}

/** Parses all disks and adds the controllers they sit on, in libvirt's order. */
export function parseDisks(conf: VmxConfig, ctx: VmxContext, def: DomainDef): void {
  const hw = vmxLong(conf, 'virtualHW.version', 4);
  const wide = hw >= 13;
  const scsiModels: (string | undefined)[] = [];
  for (let c = 0; c < 4; c++) {
    if (!vmxBool(conf, `scsi${c}.present`, false)) continue;
    const dev = vmxString(conf, `scsi${c}.virtualDev`);
    if (dev !== undefined) {
      const model = SCSI_MODELS[dev.toLowerCase()];
      if (!model) {
        throw new ConfigError(
          `expecting VMX entry 'scsi${c}.virtualDev' to be 'buslogic', 'lsilogic', 'lsisas1068' or 'pvscsi' but found '${dev}'`,
        );
      }
      scsiModels[c] = model;
    }
    for (let u = 0; u <= (wide ? 63 : 15); u++) {
      if (u === 7) continue;
      parseSlot(conf, ctx, def, { prefix: `scsi${c}:${u}`, bus: 'scsi', index: c * 15 + (u < 7 ? u : u - 1) }, wide);
    }
  }
  for (let c = 0; c < 4; c++) {
    if (!vmxBool(conf, `sata${c}.present`, false)) continue;
    for (let u = 0; u < 30; u++) parseSlot(conf, ctx, def, { prefix: `sata${c}:${u}`, bus: 'sata', index: c * 30 + u }, wide);
  }
  for (let b = 0; b < 2; b++) {
    for (let u = 0; u < 2; u++) parseSlot(conf, ctx, def, { prefix: `ide${b}:${u}`, bus: 'ide', index: b * 2 + u }, wide);
  }
  for (let u = 0; u < 2; u++) parseFloppy(conf, ctx, def, u);
  addControllers(def, scsiModels);
}

/** The drive address libvirt assigns to a VMX disk from its name index. */
function addressOf(bus: DiskBus, idx: number, wide: boolean): DriveAddress {
  switch (bus) {
    case 'scsi': {
      const per = wide ? 63 : 15;
      const unit = idx % per;
      return { controller: Math.floor(idx / per), bus: 0, target: 0, unit: unit >= 7 ? unit + 1 : unit };
    }
    case 'sata':
      return { controller: Math.floor(idx / 6), bus: 0, target: 0, unit: idx % 6 };
    case 'ide':
      return { controller: Math.floor(idx / 4), bus: Math.floor((idx % 4) / 2), target: 0, unit: idx % 2 };
    case 'fdc':
      return { controller: Math.floor(idx / 2), bus: 0, target: 0, unit: idx % 2 };
  }
}

// libvirt adds the SCSI controllers up to the last one in use (with their models), then the
// other buses' controllers up to the last one in use: sata, fdc, ide.
function addControllers(def: DomainDef, scsiModels: (string | undefined)[]): void {
  const order: DiskBus[] = ['scsi', 'sata', 'fdc', 'ide'];
  for (const bus of order) {
    let max = -1;
    for (const d of def.disks) if (d.bus === bus && d.address) max = Math.max(max, d.address.controller);
    for (let i = 0; i <= max; i++) {
      const c: ControllerDef = { type: bus, index: i };
      if (bus === 'scsi' && scsiModels[i] !== undefined) c.model = scsiModels[i];
      def.controllers.push(c);
    }
  }
}

const hasSuffix = (s: string | undefined, suffix: string): boolean => s !== undefined && s.toLowerCase().endsWith(suffix);
const CDROM_TYPES = new Set(['cdrom-image', 'atapi-cdrom', 'cdrom-raw']);

// What libvirt's error for an unmappable slot says.
function unhandled(p: string, fileName: string | undefined, deviceType: string | undefined): ConfigError {
  return new ConfigError(
    `invalid or not yet handled value '${fileName ?? '<null>'}' for VMX entry '${p}.fileName' for device type '${deviceType ?? 'unknown'}'`,
  );
}

// The file a VMX file name maps to; a missing one is an error unless `allowMissing` (CD-ROMs).
function mapFile(ctx: VmxContext, fileName: string, key: string, allowMissing: boolean): string | undefined {
  const src = ctx.parseFileName(fileName);
  if (src === undefined && !allowMissing) throw new ConfigError(`file '${fileName}' of VMX entry '${key}' does not exist`);
  return src;
}

function parseSlot(conf: VmxConfig, ctx: VmxContext, def: DomainDef, s: Slot, wide: boolean): void {
  const p = s.prefix;
  if (!conf.hasDevice(p)) return;
  const present = vmxBool(conf, `${p}.present`, false);
  vmxBool(conf, `${p}.startConnected`, true);
  if (!present) return;
  const deviceType = vmxString(conf, `${p}.deviceType`);
  if (vmxBool(conf, `${p}.clientDevice`, false)) return; // the VI client's device: not part of the VM's own config
  const fileName = vmxString(conf, `${p}.fileName`);
  const writeThrough = vmxBool(conf, `${p}.writeThrough`, false);
  const mode = vmxString(conf, `${p}.mode`);
  const t = deviceType?.toLowerCase();
  const disk: DiskDef = {
    type: 'file',
    device: 'disk',
    targetDev: diskName(s.bus === 'ide' ? 'hd' : 'sd', s.index),
    bus: s.bus,
    readonly: false,
    transient: false,
    address: addressOf(s.bus, s.index, wide),
  };
  const diskType = s.bus === 'scsi' ? 'scsi-harddisk' : s.bus === 'ide' ? 'ata-harddisk' : undefined;
  const passthruCdrom = t === 'scsi-passthru' && fileName !== undefined && fileName.startsWith('/vmfs/devices/cdrom/');
  if (s.bus === 'scsi' && t === 'scsi-passthru' && fileName === undefined) return; // neither pass takes it

  // Read as a hard disk (libvirt's first pass over the slot).
  if (t === undefined || !CDROM_TYPES.has(t)) {
    if (hasSuffix(fileName, '.vmdk')) {
      // (libvirt checks the type of SCSI and IDE hard disks only)
      if (diskType !== undefined && t !== undefined && t !== 'disk' && t !== diskType) {
        throw new ConfigError(`expecting VMX entry '${p}.deviceType' to be '${diskType ?? 'disk'}' or 'disk' but found '${deviceType}'`);
      }
      disk.src = mapFile(ctx, fileName as string, `${p}.fileName`, false);
      if (writeThrough) disk.cache = 'writethrough';
      if (mode !== undefined && mode.toLowerCase() === 'independent-nonpersistent') disk.transient = true;
      def.disks.push(disk);
      return;
    }
    const cdromLike = hasSuffix(fileName, '.iso') || fileName === 'emptyBackingString' || passthruCdrom;
    if (!cdromLike) throw unhandled(p, fileName, deviceType);
  } else if (hasSuffix(fileName, '.vmdk')) {
    return; // a CD-ROM type with a disk image: neither pass takes it
  }

  // Read as a CD-ROM (the second pass).
  disk.device = 'cdrom';
  disk.readonly = true;
  // libvirt's order: an .iso, then the device types, then an empty drive (so an atapi-cdrom or cdrom-raw drive with
  // emptyBackingString is a host device of that name)
  const imageType = (): void => {
    if (t !== undefined && t !== 'cdrom-image')
      throw new ConfigError(`expecting VMX entry '${p}.deviceType' to be 'cdrom-image' but found '${deviceType}'`);
  };
  if (hasSuffix(fileName, '.iso')) {
    imageType();
    const src = mapFile(ctx, fileName as string, `${p}.fileName`, true);
    if (src !== undefined) disk.src = src;
  } else if (t === 'atapi-cdrom' || t === 'cdrom-raw') {
    disk.type = 'block';
    if (t === 'cdrom-raw') disk.device = 'lun';
    if (fileName !== undefined && fileName.toLowerCase() === 'auto detect') disk.startupPolicy = 'optional';
    else if (fileName !== undefined) disk.src = fileName;
  } else if (s.bus === 'scsi' && t === 'scsi-passthru') {
    if (!passthruCdrom) return;
    disk.type = 'block';
    disk.device = 'lun';
    disk.src = fileName;
  } else if (fileName === 'emptyBackingString') {
    imageType();
  } else {
    throw unhandled(p, fileName, deviceType);
  }
  def.disks.push(disk);
}

function parseFloppy(conf: VmxConfig, ctx: VmxContext, def: DomainDef, unit: number): void {
  const p = `floppy${unit}`;
  const present = vmxBool(conf, `${p}.present`, false);
  vmxBool(conf, `${p}.startConnected`, true);
  if (!present) return;
  if (vmxBool(conf, `${p}.clientDevice`, false)) return;
  const fileType = vmxString(conf, `${p}.fileType`);
  const fileName = vmxString(conf, `${p}.fileName`);
  const disk: DiskDef = {
    type: 'file',
    device: 'floppy',
    targetDev: diskName('fd', unit),
    bus: 'fdc',
    readonly: false,
    transient: false,
    address: addressOf('fdc', unit, false),
  };
  const ft = fileType?.toLowerCase();
  if (ft === 'file') {
    if (fileName !== undefined) {
      const src = mapFile(ctx, fileName, `${p}.fileName`, false);
      if (src !== undefined) disk.src = src;
    }
  } else if (ft === 'device') {
    disk.type = 'block';
    if (fileName !== undefined) disk.src = fileName;
  } else {
    throw unhandled(p, fileName, fileType);
  }
  def.disks.push(disk);
}
