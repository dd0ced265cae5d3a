/** Domain disks and controllers → VMX scsiC:U / ideB:U / sataC:U / floppyN entries. */
import { ConfigError, UnsupportedError } from '../errors.js';
import type { DiskDef, DomainDef } from '../conf/domain/domain-def.js';
import type { VmxContext } from './context.js';

type Add = (k: string, v: string | number) => void;

const SCSI_VMX: Record<string, string> = { buslogic: 'buslogic', lsilogic: 'lsilogic', lsisas1068: 'lsisas1068', vmpvscsi: 'pvscsi' };

function prefixOf(disk: DiskDef): string {
  const a = disk.address;
  if (!a) throw new ConfigError(`disk '${disk.targetDev}' has no address`);
  switch (disk.bus) {
    case 'scsi':
      if (a.controller > 3) throw new ConfigError(`SCSI controller index ${a.controller} of disk '${disk.targetDev}' out of range 0..3`);
      if (a.unit === 7) throw new ConfigError(`SCSI unit 7 of disk '${disk.targetDev}' is taken by the controller`);
      return `scsi${a.controller}:${a.unit}`;
    case 'ide':
      if (a.controller !== 0 || a.bus > 1 || a.unit > 1) throw new ConfigError(`IDE address of disk '${disk.targetDev}' out of range`);
      return `ide${a.bus}:${a.unit}`;
    case 'sata':
      // libvirt 9.0 reads SATA disks from VMX but does not write them
      throw new UnsupportedError(
        `unsupported bus type 'sata' of disk '${disk.targetDev}': libvirt writes SCSI, IDE and floppy disks to VMX`,
      );
    case 'fdc':
      if (a.controller !== 0 || a.unit > 1) throw new ConfigError(`floppy address of disk '${disk.targetDev}' out of range`);
      return `floppy${a.unit}`;
  }
}

/** The SCSI controller models per index, from <controller> and old-style <driver name>, 'auto' detected. */
function scsiModels(def: DomainDef, ctx: VmxContext): { present: boolean[]; model: (string | undefined)[] } {
  const present = [false, false, false, false];
  const model: (string | undefined)[] = [];
  for (const c of def.controllers) {
    // as libvirt: a controller without disks is not written, so neither its index nor its model matter
    if (c.type !== 'scsi' || c.index > 3 || !def.disks.some((d) => d.bus === 'scsi' && d.address?.controller === c.index)) continue;
    if (c.model !== undefined) {
      if (c.model !== 'auto' && !SCSI_VMX[c.model]) {
        throw new UnsupportedError(
          `unsupported SCSI controller model '${c.model}': expecting auto, buslogic, lsilogic, lsisas1068 or vmpvscsi`,
        );
      }
      model[c.index] = c.model;
    }
  }
  for (const d of def.disks) {
    if (d.bus !== 'scsi' || !d.address) continue;
    const i = d.address.controller;
    present[i] = true;
    if (d.driverName !== undefined) {
      const m = d.driverName.toLowerCase();
      // a CD-ROM's driver name may be 'atapi' or similar: only SCSI models say something here
      if (!SCSI_VMX[m] && d.device !== 'disk') continue;
      if (!SCSI_VMX[m]) {
        throw new UnsupportedError(
          `expecting <driver name> of disk '${d.targetDev}' to be buslogic, lsilogic, lsisas1068 or vmpvscsi but found '${d.driverName}'`,
        );
      }
      if (model[i] === undefined || model[i] === 'auto') model[i] = m;
      else if (model[i] !== m)
        throw new ConfigError(`inconsistent SCSI controller model ('${m}' is not '${model[i]}') for SCSI controller index ${i}`);
    }
  }
  for (let i = 0; i < 4; i++) {
    if (model[i] !== 'auto') continue;
    let detected: string | undefined;
    for (const d of def.disks) {
      // as libvirt, every disk on the controller is offered to the callback, CD-ROMs too
      if (d.bus !== 'scsi' || d.address?.controller !== i) continue;
      const m = ctx.autodetectScsiModel?.(d);
      if (m === undefined || m === 'auto') continue;
      if (detected !== undefined && detected !== m) {
        throw new ConfigError(`inconsistent SCSI controller model ('${m}' is not '${detected}') for SCSI controller index ${i}`);
      }
      detected = m;
    }
    model[i] = detected;
  }
  return { present, model };
}

/**
 * Writes controllers, disks and the `floppyN.present = "false"` of unused floppy drives; true
 * when a SCSI controller was written.
 */
export function formatDisks(def: DomainDef, ctx: VmxContext, add: Add): boolean {
  const { present, model } = scsiModels(def, ctx);
  for (let i = 0; i < 4; i++) {
    if (!present[i]) continue;
    add(`scsi${i}.present`, 'true');
    const m = model[i];
    if (m !== undefined) add(`scsi${i}.virtualDev`, SCSI_VMX[m] as string);
  }
  const sata = new Set<number>();
  for (const d of def.disks) if (d.bus === 'sata' && d.address) sata.add(d.address.controller);
  for (const c of def.controllers) if (c.type === 'sata') sata.add(c.index);
  for (const i of [...sata].sort()) add(`sata${i}.present`, 'true');

  const floppies = [false, false];
  const seen = new Set<string>();
  for (const d of def.disks) {
    const p = prefixOf(d);
    if (seen.has(p)) throw new ConfigError(`two disks share the VMX slot '${p}'`);
    seen.add(p);
    if (d.device === 'disk') formatHardDisk(d, p, ctx, add);
    else if (d.device === 'cdrom' || d.device === 'lun') formatCdrom(d, p, ctx, add);
    else {
      floppies[d.address?.unit ?? 0] = true;
      formatFloppy(d, p, ctx, add);
    }
  }
  for (let u = 0; u < 2; u++) if (!floppies[u]) add(`floppy${u}.present`, 'false');
  return present.some((p) => p);
}

function formatHardDisk(d: DiskDef, p: string, ctx: VmxContext, add: Add): void {
  if (d.bus === 'fdc') throw new UnsupportedError(`disk '${d.targetDev}' cannot be a hard disk on bus 'fdc'`);
  if (d.type !== 'file') throw new UnsupportedError(`hard disk '${d.targetDev}' must be of type 'file' but is '${d.type}'`);
  if (d.src === undefined) throw new ConfigError(`hard disk '${d.targetDev}' has no source file`);
  if (!/\.vmdk$/i.test(d.src))
    throw new UnsupportedError(`image '${d.src}' of disk '${d.targetDev}' has an unsupported type: expecting '.vmdk'`);
  add(`${p}.present`, 'true');
  // VMware writes no deviceType for SATA disks; the .vmdk file name says what they are.
  if (d.bus !== 'sata') add(`${p}.deviceType`, d.bus === 'ide' ? 'ata-hardDisk' : 'scsi-hardDisk');
  add(`${p}.fileName`, ctx.formatFileName(d.src));
  // libvirt writes the cache mode of SCSI disks only
  if (d.bus === 'scsi' && d.cache !== undefined && d.cache !== 'default') {
    if (d.cache !== 'writethrough')
      throw new UnsupportedError(`disk '${d.targetDev}' has the unsupported cache mode '${d.cache}': only 'writethrough'`);
    add(`${p}.writeThrough`, 'true');
  }
  if (d.transient) add(`${p}.mode`, 'independent-nonpersistent');
}

function formatCdrom(d: DiskDef, p: string, ctx: VmxContext, add: Add): void {
  if (d.bus === 'fdc') throw new UnsupportedError(`CD-ROM '${d.targetDev}' cannot sit on bus 'fdc'`);
  if (d.device === 'lun' && d.type !== 'block') throw new UnsupportedError(`disk '${d.targetDev}' of device 'lun' must be of type 'block'`);
  add(`${p}.present`, 'true');
  const autodetect = d.type === 'block' && d.src === undefined && d.startupPolicy === 'optional';
  if (d.type === 'file' || (d.src === undefined && !autodetect)) {
    // an image, or no medium at all: what ESX itself writes for a drive without one
    add(`${p}.deviceType`, 'cdrom-image');
    if (d.type === 'file' && d.src !== undefined) {
      if (!/\.iso$/i.test(d.src))
        throw new UnsupportedError(`image '${d.src}' of CD-ROM '${d.targetDev}' has an unsupported type: expecting '.iso'`);
      add(`${p}.fileName`, ctx.formatFileName(d.src));
    } else {
      add(`${p}.fileName`, 'emptyBackingString');
    }
    if (d.transient) add(`${p}.mode`, 'independent-nonpersistent');
    return;
  }
  // ESX names passthrough CD-ROM drives under /vmfs/devices/cdrom; other device paths are raw drives.
  if (d.device === 'lun' && d.src !== undefined && d.src.startsWith('/vmfs/devices/cdrom/') && d.bus === 'scsi') {
    add(`${p}.deviceType`, 'scsi-passthru');
    add(`${p}.fileName`, d.src);
    return;
  }
  add(`${p}.deviceType`, d.device === 'lun' ? 'cdrom-raw' : 'atapi-cdrom');
  if (autodetect) {
    add(`${p}.autodetect`, 'true');
    add(`${p}.fileName`, 'auto detect');
  } else {
    add(`${p}.fileName`, d.src as string);
  }
}

function formatFloppy(d: DiskDef, p: string, ctx: VmxContext, add: Add): void {
  add(`${p}.present`, 'true');
  if (d.type === 'file') {
    add(`${p}.fileType`, 'file');
    if (d.src !== undefined) add(`${p}.fileName`, ctx.formatFileName(d.src));
  } else {
    add(`${p}.fileType`, 'device');
    if (d.src !== undefined) add(`${p}.fileName`, d.src);
  }
}
