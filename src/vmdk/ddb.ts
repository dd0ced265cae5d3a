/**
 * The disk database (ddb.*) of a descriptor as typed values, and the descriptors esxvirt writes for
 * new disks: geometry derived from the capacity, adapter type, hardware version, thin provisioning.
 */
import { ConfigError, InvalidArgumentError } from '../errors.js';
import { NO_PARENT_CID, type VmdkDescriptor, type VmdkExtent } from './descriptor.js';

/** ddb.adapterType values VMware writes. */
export type VmdkAdapterType = 'ide' | 'buslogic' | 'lsilogic' | 'legacyESX' | 'lsisas1068' | 'pvscsi';

/** The libvirt SCSI controller models an adapter type means (the subset of libvirt's ScsiModel a disk can name). */
export type DescriptorScsiModel = 'buslogic' | 'lsilogic' | 'lsisas1068' | 'vmpvscsi';

/** Cylinders/heads/sectors as written in ddb.geometry.*. */
export interface VmdkGeometry {
  cylinders: number;
  heads: number;
  sectors: number;
}

/** The ddb keys esxvirt reads, typed; absent or malformed numbers are undefined. */
export interface VmdkDiskInfo {
  adapterType?: string;
  geometry?: VmdkGeometry;
  virtualHWVersion?: number;
  thinProvisioned: boolean;
  uuid?: string;
  longContentID?: string;
}

// ddb.adapterType (case-insensitive) → libvirt SCSI model; legacyESX is the BusLogic of ESX 2.
const ADAPTERS: Record<string, DescriptorScsiModel> = {
  buslogic: 'buslogic',
  lsilogic: 'lsilogic',
  legacyesx: 'buslogic',
  lsisas1068: 'lsisas1068',
  pvscsi: 'vmpvscsi',
};

function int(v: string | undefined): number | undefined {
  return v !== undefined && /^\d{1,9}$/.test(v.trim()) ? Number(v.trim()) : undefined;
}

/** Typed view of a descriptor's disk database. */
export function diskInfo(d: VmdkDescriptor): VmdkDiskInfo {
  const g = { cylinders: int(d.ddb['geometry.cylinders']), heads: int(d.ddb['geometry.heads']), sectors: int(d.ddb['geometry.sectors']) };
  const info: VmdkDiskInfo = {
    thinProvisioned: d.ddb.thinProvisioned === '1' || d.ddb.thinProvisioned?.toLowerCase() === 'true' || d.createType === 'vmfsThin',
  };
  if (d.ddb.adapterType !== undefined) info.adapterType = d.ddb.adapterType;
  if (g.cylinders !== undefined && g.heads !== undefined && g.sectors !== undefined) info.geometry = g as VmdkGeometry;
  const hw = int(d.ddb.virtualHWVersion);
  if (hw !== undefined) info.virtualHWVersion = hw;
  if (d.ddb.uuid !== undefined) info.uuid = d.ddb.uuid;
  if (d.ddb.longContentID !== undefined) info.longContentID = d.ddb.longContentID;
  return info;
}

/** The SCSI controller model a descriptor's ddb.adapterType names, if it names one. */
export function scsiModelOfDescriptor(d: VmdkDescriptor | undefined): DescriptorScsiModel | undefined {
  const a = d?.ddb.adapterType;
  return a ? ADAPTERS[a.toLowerCase()] : undefined;
}

/**
 * The geometry VMware writes for a disk of `sectors`: IDE disks use 16 heads and 63 sectors per
 * track (cylinders capped at 16383, as ATA has no more); SCSI disks the BIOS translations 64/32
 * below 1 GiB, 128/32 below 2 GiB, else 255/63.
 */
export function defaultGeometry(sectors: number, adapterType: string): VmdkGeometry {
  const [heads, spt] =
    adapterType.toLowerCase() === 'ide' ? [16, 63] : sectors < 2 ** 21 ? [64, 32] : sectors < 2 ** 22 ? [128, 32] : [255, 63];
  let cylinders = Math.max(1, Math.floor(sectors / (heads * spt)));
  if (adapterType.toLowerCase() === 'ide') cylinders = Math.min(cylinders, 16383);
  return { cylinders, heads, sectors: spt };
}

/** What a new disk's descriptor says beyond its extents. */
export interface NewDiskOptions {
  /** ddb.adapterType (default lsilogic, the default of ESX and of OpenStack's VMware driver). */
  adapterType?: VmdkAdapterType;
  /** ddb.virtualHWVersion (default 4, which every ESX and hosted product accepts). */
  virtualHWVersion?: number;
  /** Content ID (default 0xfffffffe, what ESX gives a freshly created disk). */
  cid?: number;
  /** ddb.uuid, e.g. `60 00 C2 9b ...` (16 hex bytes separated by spaces); omitted when absent. */
  uuid?: string;
  /** ddb.longContentID (32 hex digits); omitted when absent. */
  longContentID?: string;
  /** Writes ddb.thinProvisioned = "1" (VMFS thin disks). */
  thinProvisioned?: boolean;
  /** Other ddb keys (without the prefix), written after the ones above. */
  ddb?: Record<string, string>;
}

const ADAPTER_TYPES = new Set(['ide', 'buslogic', 'lsilogic', 'legacyESX', 'lsisas1068', 'pvscsi']);

/** A descriptor for a new disk of `capacity` bytes with the given create type and extents. */
export function newDiskDescriptor(createType: string, extents: VmdkExtent[], capacity: number, opts: NewDiskOptions = {}): VmdkDescriptor {
  const adapterType = opts.adapterType ?? 'lsilogic';
  if (!ADAPTER_TYPES.has(adapterType))
    throw new InvalidArgumentError(
      `unknown VMDK adapter type '${String(adapterType)}' (ide, buslogic, lsilogic, legacyESX, lsisas1068, pvscsi)`,
    );
  const hw = opts.virtualHWVersion ?? 4;
  if (!Number.isInteger(hw) || hw < 3 || hw > 99) throw new InvalidArgumentError(`virtual hardware version ${hw} is out of range`);
  const g = defaultGeometry(Math.ceil(capacity / 512), adapterType);
  const ddb: Record<string, string> = {
    adapterType,
    'geometry.cylinders': String(g.cylinders),
    'geometry.heads': String(g.heads),
    'geometry.sectors': String(g.sectors),
  };
  if (opts.longContentID !== undefined) ddb.longContentID = opts.longContentID;
  if (opts.thinProvisioned) ddb.thinProvisioned = '1';
  if (opts.uuid !== undefined) ddb.uuid = opts.uuid;
  ddb.virtualHWVersion = String(hw);
  Object.assign(ddb, opts.ddb);
  return { version: 1, encoding: 'UTF-8', cid: opts.cid ?? 0xfffffffe, parentCid: NO_PARENT_CID, createType, extents, ddb, other: {} };
}

/**
 * An extent file name the readers may open: a plain name in the descriptor's folder. Absolute paths,
 * `..` and separators are refused, so an untrusted descriptor cannot reach files elsewhere.
 */
export function checkExtentFileName(name: string): string {
  if (name === '' || name === '.' || name === '..' || /[/\\\x00-\x1f]/.test(name)) {
    throw new ConfigError(
      `VMDK extent file '${name.replace(/[\x00-\x1f]/g, '?').slice(0, 80)}' is not a plain file name in the descriptor's folder`,
    );
  }
  return name;
}
