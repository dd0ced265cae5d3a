/**
 * The VMDK descriptor: the text that names a disk's extents and its disk database (ddb.*), either a
 * file of its own (`X.vmdk` beside `X-flat.vmdk` on VMFS) or embedded in a sparse extent's first
 * sectors. Syntax from VMware's "Virtual Disk Format 5.0", "The Descriptor File": `key=value` lines,
 * values optionally in double quotes (no escapes exist), `#` comments, and extent lines
 * `ACCESS SECTORS TYPE ["FILE" [OFFSET]]`. Descriptors are untrusted input: size, line count and
 * line length are limited and every malformed line is a ConfigError naming it.
 */
import { ConfigError, InvalidArgumentError } from '../errors.js';

/** Extent access modes. */
export type VmdkExtentAccess = 'RW' | 'RDONLY' | 'NOACCESS';
/** Extent types of the specification (VMFSSPARSE and SESPARSE are ESX sparse formats). */
export type VmdkExtentType = 'FLAT' | 'SPARSE' | 'ZERO' | 'VMFS' | 'VMFSSPARSE' | 'VMFSRDM' | 'VMFSRAW' | 'SESPARSE';

/** One extent line: `RW 2097152 VMFS "x-flat.vmdk"`, `RW 4192256 FLAT "x-f001.vmdk" 0`, `RW 2048 ZERO`. */
export interface VmdkExtent {
  access: VmdkExtentAccess;
  /** Size in 512-byte sectors. */
  sectors: number;
  type: VmdkExtentType;
  /** File name as written (relative to the descriptor); absent for ZERO. */
  fileName?: string;
  /** Start of the extent's data in its file, in sectors (FLAT and VMFS only). */
  offset?: number;
}

/** A parsed descriptor; `ddb` maps keys without the `ddb.` prefix (e.g. `adapterType`) to values. */
export interface VmdkDescriptor {
  version: number;
  encoding?: string;
  /** Content ID (uint32); 0xffffffff in parentCID means "no parent". */
  cid: number;
  parentCid: number;
  createType: string;
  parentFileNameHint?: string;
  extents: VmdkExtent[];
  ddb: Record<string, string>;
  /** Other top-level keys (isNativeSnapshot, ...), kept for formatting. */
  other: Record<string, string>;
}

/** Limits on descriptor text; the defaults fit a 64 TiB twoGbMaxExtent disk (32,768 extents). */
export interface DescriptorLimits {
  maxBytes?: number;
  maxLines?: number;
  maxLineLength?: number;
}

/** createType values of the specification, plus vmfsThin (what some tools write for ESX thin disks). */
export const CREATE_TYPES: readonly string[] = [
  'monolithicSparse',
  'vmfsSparse',
  'monolithicFlat',
  'vmfs',
  'vmfsThin',
  'twoGbMaxExtentSparse',
  'twoGbMaxExtentFlat',
  'fullDevice',
  'vmfsRaw',
  'partitionedDevice',
  'vmfsRawDeviceMap',
  'vmfsPassthroughRawDeviceMap',
  'streamOptimized',
  'seSparse',
];

/** parentCID of a disk without a parent. */
export const NO_PARENT_CID = 0xffffffff;

const DEFAULT_LIMITS: Required<DescriptorLimits> = { maxBytes: 4 * 1024 * 1024, maxLines: 100_000, maxLineLength: 8192 };
const EXTENT_TYPES = new Set<string>(['FLAT', 'SPARSE', 'ZERO', 'VMFS', 'VMFSSPARSE', 'VMFSRDM', 'VMFSRAW', 'SESPARSE']);
const KNOWN_KEYS: Record<string, string> = {
  version: 'version',
  encoding: 'encoding',
  cid: 'CID',
  parentcid: 'parentCID',
  createtype: 'createType',
  parentfilenamehint: 'parentFileNameHint',
};
// ddb keys VMware writes, in their canonical case, so lookups by canonical name work whatever case a file uses.
const DDB_KEYS = [
  'adapterType',
  'geometry.cylinders',
  'geometry.heads',
  'geometry.sectors',
  'geometry.biosCylinders',
  'geometry.biosHeads',
  'geometry.biosSectors',
  'virtualHWVersion',
  'thinProvisioned',
  'uuid',
  'longContentID',
  'toolsVersion',
  'toolsInstallType',
  'encoding',
  'deletable',
  'sidecars',
  'iofilters',
];
const DDB_CANONICAL = new Map(DDB_KEYS.map((k) => [k.toLowerCase(), k]));
const MAX_SECTORS = 2 ** 53 / 512;

function text(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    if (input.length > maxBytes) throw new ConfigError(`VMDK descriptor is larger than ${maxBytes} bytes`);
    return input;
  }
  let bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const nul = bytes.indexOf(0);
  // An embedded descriptor is NUL-padded to whole sectors.
  if (nul >= 0) bytes = bytes.subarray(0, nul);
  if (bytes.length > maxBytes) throw new ConfigError(`VMDK descriptor is larger than ${maxBytes} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Hosted products on Windows write encoding="windows-1252"; latin1 keeps every byte readable.
    return bytes.toString('latin1');
  }
}

function uint32Hex(value: string, key: string, line: number): number {
  if (!/^[0-9a-fA-F]{1,8}$/.test(value))
    throw new ConfigError(`VMDK descriptor line ${line}: ${key} '${clip(value)}' is not a 32-bit hexadecimal number`);
  return parseInt(value, 16);
}

function sectorCount(value: string, what: string, line: number): number {
  if (!/^\d{1,16}$/.test(value) || Number(value) > MAX_SECTORS)
    throw new ConfigError(`VMDK descriptor line ${line}: extent ${what} '${clip(value)}' is not a sector count`);
  return Number(value);
}

function clip(s: string): string {
  const printable = s.replace(/[\x00-\x1f\x7f]/g, '?');
  return printable.length > 60 ? `${printable.slice(0, 57)}...` : printable;
}

function parseExtent(line: string, n: number): VmdkExtent {
  const m = /^(RW|RDONLY|NOACCESS)\s+(\S+)\s+(\S+)(?:\s+"([^"]*)"(?:\s+(\S+))?)?\s*$/.exec(line);
  if (!m) throw new ConfigError(`VMDK descriptor line ${n}: malformed extent '${clip(line)}'`);
  const type = m[3] as string;
  if (!EXTENT_TYPES.has(type)) throw new ConfigError(`VMDK descriptor line ${n}: unknown extent type '${clip(type)}'`);
  const ext: VmdkExtent = {
    access: m[1] as VmdkExtentAccess,
    sectors: sectorCount(m[2] as string, 'size', n),
    type: type as VmdkExtentType,
  };
  if (type === 'ZERO') {
    if (m[4] !== undefined) throw new ConfigError(`VMDK descriptor line ${n}: a ZERO extent has no file`);
    return ext;
  }
  if (m[4] === undefined || m[4] === '') throw new ConfigError(`VMDK descriptor line ${n}: ${type} extent without a file name`);
  ext.fileName = m[4];
  if (m[5] !== undefined) {
    if (type !== 'FLAT' && type !== 'VMFS') throw new ConfigError(`VMDK descriptor line ${n}: only FLAT and VMFS extents have an offset`);
    ext.offset = sectorCount(m[5], 'offset', n);
  }
  return ext;
}

/**
 * Parses descriptor text, or bytes (UTF-8, else Latin-1; NUL padding of an embedded descriptor ends
 * it). Throws ConfigError for malformed lines, missing version/createType/extents, or text past the limits.
 */
export function parseVmdkDescriptor(input: string | Uint8Array, limits: DescriptorLimits = {}): VmdkDescriptor {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const lines = text(input, lim.maxBytes).split('\n');
  if (lines.length > lim.maxLines) throw new ConfigError(`VMDK descriptor has more than ${lim.maxLines} lines`);
  const top: Record<string, string> = {};
  const d: VmdkDescriptor = { version: 0, cid: NO_PARENT_CID, parentCid: NO_PARENT_CID, createType: '', extents: [], ddb: {}, other: {} };
  const seen = new Set<string>();
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (raw.length > lim.maxLineLength) throw new ConfigError(`VMDK descriptor line ${n} is longer than ${lim.maxLineLength} characters`);
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (/^(RW|RDONLY|NOACCESS)\s/.test(line)) {
      d.extents.push(parseExtent(line, n));
      return;
    }
    const kv = /^([A-Za-z][A-Za-z0-9_.:-]*)\s*=\s*(?:"([^"]*)"|([^"\s]*))\s*$/.exec(line);
    if (!kv) throw new ConfigError(`VMDK descriptor line ${n}: expected 'key = "value"' or an extent, found '${clip(line)}'`);
    const key = kv[1] as string;
    const value = kv[2] ?? kv[3] ?? '';
    const lower = key.toLowerCase();
    if (seen.has(lower)) throw new ConfigError(`VMDK descriptor line ${n}: duplicate key '${clip(key)}'`);
    seen.add(lower);
    if (lower.startsWith('ddb.')) {
      const name = key.slice(4);
      d.ddb[DDB_CANONICAL.get(name.toLowerCase()) ?? name] = value;
    } else {
      const known = KNOWN_KEYS[lower];
      if (known) top[known] = value;
      else d.other[key] = value;
      if (known === 'CID') d.cid = uint32Hex(value, key, n);
      if (known === 'parentCID') d.parentCid = uint32Hex(value, key, n);
    }
  });
  if (top.version === undefined) throw new ConfigError('VMDK descriptor has no version');
  if (!/^[1-3]$/.test(top.version)) throw new ConfigError(`VMDK descriptor version '${clip(top.version)}' is not 1, 2 or 3`);
  d.version = Number(top.version);
  if (!top.createType) throw new ConfigError('VMDK descriptor has no createType');
  d.createType = top.createType;
  if (d.extents.length === 0) throw new ConfigError('VMDK descriptor names no extent');
  if (top.encoding !== undefined) d.encoding = top.encoding;
  if (top.parentFileNameHint !== undefined) d.parentFileNameHint = top.parentFileNameHint;
  return d;
}

function quoted(value: string, what: string): string {
  if (/["\x00-\x1f\x7f]/.test(value))
    throw new InvalidArgumentError(`VMDK descriptor ${what} '${clip(value)}' contains a double quote or a control character`);
  return `"${value}"`;
}

function keyName(key: string, what: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_.:-]*$/.test(key)) throw new InvalidArgumentError(`VMDK descriptor ${what} '${clip(key)}' is not a valid key`);
  return key;
}

function hex8(n: number, what: string): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError(`VMDK descriptor ${what} ${n} is not a 32-bit unsigned integer`);
  return n.toString(16).padStart(8, '0');
}

function formatExtent(e: VmdkExtent): string {
  if (!Number.isSafeInteger(e.sectors) || e.sectors < 0)
    throw new InvalidArgumentError(`VMDK extent size ${e.sectors} is not a sector count`);
  if (e.type === 'ZERO') return `${e.access} ${e.sectors} ZERO`;
  if (e.fileName === undefined || e.fileName === '') throw new InvalidArgumentError(`VMDK ${e.type} extent needs a file name`);
  let line = `${e.access} ${e.sectors} ${e.type} ${quoted(e.fileName, 'extent file name')}`;
  if (e.offset !== undefined) {
    if (!Number.isSafeInteger(e.offset) || e.offset < 0)
      throw new InvalidArgumentError(`VMDK extent offset ${e.offset} is not a sector count`);
    line += ` ${e.offset}`;
  }
  return line;
}

/**
 * Descriptor text in the layout VMware products write (header, extents, disk database). Values that
 * the syntax cannot carry (double quotes, control characters) are an InvalidArgumentError.
 */
export function formatVmdkDescriptor(d: VmdkDescriptor): string {
  if (!Number.isInteger(d.version) || d.version < 1 || d.version > 3)
    throw new InvalidArgumentError(`VMDK descriptor version ${d.version} is not 1, 2 or 3`);
  if (!/^[A-Za-z0-9]+$/.test(d.createType)) throw new InvalidArgumentError(`VMDK createType '${clip(d.createType)}' is not a name`);
  if (d.extents.length === 0) throw new InvalidArgumentError('a VMDK descriptor needs at least one extent');
  const out = ['# Disk DescriptorFile', `version=${d.version}`];
  if (d.encoding !== undefined) out.push(`encoding=${quoted(d.encoding, 'encoding')}`);
  out.push(`CID=${hex8(d.cid, 'CID')}`, `parentCID=${hex8(d.parentCid, 'parentCID')}`);
  for (const [k, v] of Object.entries(d.other)) out.push(`${keyName(k, 'key')}=${quoted(v, `value of ${k}`)}`);
  out.push(`createType=${quoted(d.createType, 'createType')}`);
  if (d.parentFileNameHint !== undefined) out.push(`parentFileNameHint=${quoted(d.parentFileNameHint, 'parentFileNameHint')}`);
  out.push('', '# Extent description', ...d.extents.map(formatExtent), '', '# The Disk Data Base', '#DDB', '');
  for (const [k, v] of Object.entries(d.ddb)) out.push(`ddb.${keyName(k, 'ddb key')} = ${quoted(v, `value of ddb.${k}`)}`);
  return `${out.join('\n')}\n`;
}

/** The disk's size in bytes: the sum of its extents. */
export function descriptorCapacity(d: VmdkDescriptor): number {
  return d.extents.reduce((sum, e) => sum + e.sectors * 512, 0);
}
