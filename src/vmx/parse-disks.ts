/**
 * VMX disks → domain disks and controllers. VMX keys: scsiC:U.* (4 controllers, unit 7 is the
 * controller itself), ideB:U.* (2 buses × 2 units), sataC:U.* (4 × 30), floppyN.* (2 drives).
 */
import { ConfigError } from '../errors.js';
import type { ControllerDef, DiskBus, DiskDef, DomainDef } from '../conf/domain/domain-def.js';
import { diskName } from '../conf/domain/disk-names.js';
import type { VmxContext } from './context.js';
import type { VmxConfig } from './vmx-text.js';
import { vmxBool, vmxString } from './vmx-values.js';

const SCSI_MODELS: Record<string, string> = { buslogic: 'buslogic', lsilogic: 'lsilogic', lsisas1068: 'lsisas1068', pvscsi: 'vmpvscsi' };

/** Largest SCSI unit a controller model accepts (PVSCSI has 64 targets since vSphere 6.7). */
function maxScsiUnit(model: string | undefined): number {
  return model === 'vmpvscsi' ? 63 : 15;
}

interface Slot {
  prefix: string;
  bus: DiskBus;
  controller: number;
  busNo: number;
  unit: number;
}

/** Parses all disks and adds the controllers they sit on, in libvirt's order. */
export function parseDisks(conf: VmxConfig, ctx: VmxContext, def: DomainDef): void {
  const scsiModels: (string | undefined)[] = [];
  for (let c = 0; c < 4; c++) {
    if (!vmxBool(conf, `scsi${c}.present`, false)) continue;
    const dev = vmxString(conf, `scsi${c}.virtualDev`);
    let model: string | undefined;
    if (dev !== undefined) {
      model = SCSI_MODELS[dev.toLowerCase()];
      if (!model) {
        throw new ConfigError(
          `expecting VMX entry 'scsi${c}.virtualDev' to be 'buslogic', 'lsilogic', 'lsisas1068' or 'pvscsi' but found '${dev}'`,
        );
      }
    }
    scsiModels[c] = model;
    for (let u = 0; u <= maxScsiUnit(model); u++) {
      if (u === 7) continue;
      parseDisk(conf, ctx, def, { prefix: `scsi${c}:${u}`, bus: 'scsi', controller: c, busNo: 0, unit: u });
    }
  }
  for (let b = 0; b < 2; b++) {
    for (let u = 0; u < 2; u++) parseDisk(conf, ctx, def, { prefix: `ide${b}:${u}`, bus: 'ide', controller: 0, busNo: b, unit: u });
  }
  for (let c = 0; c < 4; c++) {
    if (!vmxBool(conf, `sata${c}.present`, false)) continue;
    for (let u = 0; u < 30; u++) parseDisk(conf, ctx, def, { prefix: `sata${c}:${u}`, bus: 'sata', controller: c, busNo: 0, unit: u });
  }
  for (let u = 0; u < 2; u++) parseFloppy(conf, ctx, def, u);
  addControllers(def, scsiModels);
}

// libvirt adds the SCSI controllers up to the last one in use (with their models), then the
// implicit controllers of the other buses: scsi, fdc, ide, sata.
function addControllers(def: DomainDef, scsiModels: (string | undefined)[]): void {
  const order: DiskBus[] = ['scsi', 'fdc', 'ide', 'sata'];
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

function nameIndex(s: Slot): number {
  if (s.bus === 'scsi') return s.controller * 15 + (s.unit < 7 ? s.unit : s.unit - 1);
  if (s.bus === 'ide') return s.busNo * 2 + s.unit;
  return s.controller * 30 + s.unit;
}

function isDiskType(bus: DiskBus, t: string): boolean {
  if (t === 'disk') return true;
  if (bus === 'scsi') return t === 'scsi-harddisk';
  if (bus === 'ide') return t === 'ata-harddisk';
  return t === 'ata-harddisk' || t === 'scsi-harddisk';
}

function parseDisk(conf: VmxConfig, ctx: VmxContext, def: DomainDef, s: Slot): void {
  const p = s.prefix;
  if (!conf.hasDevice(p) || !vmxBool(conf, `${p}.present`, false)) return;
  const deviceType = vmxString(conf, `${p}.deviceType`);
  const clientDevice = vmxBool(conf, `${p}.clientDevice`, false);
  const fileName = vmxString(conf, `${p}.fileName`);
  const writeThrough = vmxBool(conf, `${p}.writeThrough`, false);
  const mode = vmxString(conf, `${p}.mode`);
  const t = deviceType?.toLowerCase();
  const disk: DiskDef = {
    type: 'file',
    device: 'disk',
    targetDev: diskName(s.bus === 'ide' ? 'hd' : 'sd', nameIndex(s)),
    bus: s.bus,
    readonly: false,
    transient: false,
    address: { controller: s.controller, bus: s.busNo, target: 0, unit: s.unit },
  };
  if (t === undefined ? fileName !== undefined && /\.vmdk$/i.test(fileName) : isDiskType(s.bus, t)) {
    if (fileName === undefined || !/\.vmdk$/i.test(fileName)) {
      throw new ConfigError(`expecting VMX entry '${p}.fileName' to name a .vmdk file but found '${fileName ?? ''}'`);
    }
    const src = ctx.parseFileName(fileName);
    if (src === undefined) throw new ConfigError(`file '${fileName}' of VMX entry '${p}.fileName' does not exist`);
    disk.src = src;
    if (writeThrough) disk.cache = 'writethrough';
    if (mode !== undefined && mode.toLowerCase() === 'independent-nonpersistent') disk.transient = true;
    def.disks.push(disk);
    return;
  }
  if (t === undefined) {
    // No deviceType and no .vmdk: a CD-ROM image if it looks like one, else nothing we can map.
    if (fileName === undefined || !/\.iso$/i.test(fileName)) {
      throw new ConfigError(`VMX entry '${p}.deviceType' is missing and '${p}.fileName' names neither a .vmdk nor an .iso file`);
    }
  }
  if (clientDevice) return; // a client (VI client's) device: not part of the VM's own config
  disk.readonly = true;
  disk.device = 'cdrom';
  const autoDetect = fileName !== undefined && fileName.toLowerCase() === 'auto detect';
  if (t === undefined || t === 'cdrom-image') {
    if (fileName !== undefined && fileName !== '' && fileName !== 'emptyBackingString') {
      const src = ctx.parseFileName(fileName);
      if (src !== undefined && src !== '') disk.src = src;
    }
  } else if (t === 'atapi-cdrom' || t === 'cdrom-raw' || t === 'scsi-passthru') {
    disk.type = 'block';
    if (t !== 'atapi-cdrom') disk.device = 'lun';
    if (t === 'scsi-passthru' && s.bus !== 'scsi') {
      throw new ConfigError(`VMX entry '${p}.deviceType' is 'scsi-passthru' but the device is not on a SCSI bus`);
    }
    if (autoDetect) disk.startupPolicy = 'optional';
    else if (fileName !== undefined && fileName !== '') disk.src = fileName;
  } else {
    throw new ConfigError(`unsupported value '${deviceType}' for VMX entry '${p}.deviceType'`);
  }
  def.disks.push(disk);
}

function parseFloppy(conf: VmxConfig, ctx: VmxContext, def: DomainDef, unit: number): void {
  const p = `floppy${unit}`;
  if (!vmxBool(conf, `${p}.present`, false)) return;
  const clientDevice = vmxBool(conf, `${p}.clientDevice`, false);
  const fileType = vmxString(conf, `${p}.fileType`);
  const fileName = vmxString(conf, `${p}.fileName`);
  if (clientDevice) return;
  const disk: DiskDef = {
    type: 'file',
    device: 'floppy',
    targetDev: diskName('fd', unit),
    bus: 'fdc',
    readonly: false,
    transient: false,
    address: { controller: 0, bus: 0, target: 0, unit },
  };
  const ft = (fileType ?? 'device').toLowerCase();
  if (ft === 'file') {
    if (fileName !== undefined && fileName !== '') {
      const src = ctx.parseFileName(fileName);
      if (src !== undefined) disk.src = src;
    }
  } else if (ft === 'device') {
    disk.type = 'block';
    if (fileName !== undefined && fileName !== '') disk.src = fileName;
  } else {
    throw new ConfigError(`expecting VMX entry '${p}.fileType' to be 'device' or 'file' but found '${fileType}'`);
  }
  def.disks.push(disk);
}
