/**
 * The hosted sparse extent header ("Virtual Disk Format 5.0", "Hosted Sparse Extent Header"): one
 * 512-byte little-endian sector at the start of monolithicSparse and streamOptimized files (and, for
 * streamOptimized, again as the footer). Also the stream markers and the detection of an image's kind.
 */
import { ConfigError } from '../errors.js';
import { parseVmdkDescriptor, type VmdkDescriptor } from './descriptor.js';

/** Bytes per sector; every offset in the format is counted in sectors. */
export const SECTOR = 512;
/** "KDMV" read as a little-endian uint32. */
export const SPARSE_MAGIC = 0x564d444b;
/** gdOffset of a streamOptimized header whose grain directory is found through the footer. */
export const GD_AT_END = 0xffffffffffffffffn;
/** Header flags. */
export const FLAG_NEWLINE_TEST = 1 << 0;
export const FLAG_REDUNDANT_GT = 1 << 1;
export const FLAG_ZERO_GRAIN_GTE = 1 << 2;
export const FLAG_COMPRESSED = 1 << 16;
export const FLAG_MARKERS = 1 << 17;
/** compressAlgorithm values. */
export const COMPRESSION_NONE = 0;
export const COMPRESSION_DEFLATE = 1;
/** Metadata marker types of streamOptimized files. */
export const MARKER_EOS = 0;
export const MARKER_GT = 1;
export const MARKER_GD = 2;
export const MARKER_FOOTER = 3;

/** Largest grain esxvirt accepts (1 MiB; VMware writes 64 KiB). Bounds every per-grain buffer. */
export const MAX_GRAIN_SECTORS = 2048;
/** Largest grain table accepted (entries); VMware always writes 512. */
export const MAX_GTES_PER_GT = 4096;
/** Default largest capacity accepted: 64 TiB, above VMFS's 62 TiB disk limit. */
export const DEFAULT_MAX_CAPACITY = 64 * 2 ** 40;

/** A decoded SparseExtentHeader; offsets and sizes in sectors, gdOffset -1 for GD_AT_END. */
export interface SparseHeader {
  version: number;
  flags: number;
  capacity: number;
  grainSize: number;
  descriptorOffset: number;
  descriptorSize: number;
  numGTEsPerGT: number;
  rgdOffset: number;
  gdOffset: number;
  overHead: number;
  uncleanShutdown: boolean;
  /** The four newline-detection characters (bytes 73..76). */
  newlineChars: string;
  compressAlgorithm: number;
}

const NEWLINE_CHARS = '\n \r\n';

/** The kinds of image detectVmdkKind tells apart. */
export type VmdkKind =
  | 'descriptor' // a text descriptor file (vmfs, monolithicFlat, twoGbMaxExtent*, ...)
  | 'monolithicSparse' // hosted sparse extent with an embedded descriptor
  | 'sparseExtent' // hosted sparse extent without one (an extent of twoGbMaxExtentSparse)
  | 'streamOptimized' // compressed sparse extent with markers
  | 'vmfsSparse' // ESX sparse extent ("COWD"), not read by esxvirt
  | 'seSparse' // ESXi space-efficient sparse extent, not read by esxvirt
  | 'unknown';

function u64(b: Buffer, at: number, what: string): number {
  const v = b.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ConfigError(`VMDK header ${what} ${v} is out of range`);
  return Number(v);
}

/** Decodes the header in the first 512 bytes of `b` (no validation beyond the magic; see checkSparseHeader). */
export function decodeSparseHeader(b: Buffer, where = 'header'): SparseHeader {
  if (b.length < SECTOR) throw new ConfigError(`VMDK ${where} is truncated (${b.length} of ${SECTOR} bytes)`);
  if (b.readUInt32LE(0) !== SPARSE_MAGIC) throw new ConfigError(`VMDK ${where} has no KDMV magic number`);
  const gdRaw = b.readBigUInt64LE(56);
  return {
    version: b.readUInt32LE(4),
    flags: b.readUInt32LE(8),
    capacity: u64(b, 12, 'capacity'),
    grainSize: u64(b, 20, 'grainSize'),
    descriptorOffset: u64(b, 28, 'descriptorOffset'),
    descriptorSize: u64(b, 36, 'descriptorSize'),
    numGTEsPerGT: b.readUInt32LE(44),
    rgdOffset: u64(b, 48, 'rgdOffset'),
    gdOffset: gdRaw === GD_AT_END ? -1 : u64(b, 56, 'gdOffset'),
    overHead: u64(b, 64, 'overHead'),
    uncleanShutdown: b[72] !== 0,
    newlineChars: b.toString('latin1', 73, 77),
    compressAlgorithm: b.readUInt16LE(77),
  };
}

/** Encodes a header sector (with the newline-detection characters the specification prescribes). */
export function encodeSparseHeader(h: SparseHeader): Buffer {
  const b = Buffer.alloc(SECTOR);
  b.writeUInt32LE(SPARSE_MAGIC, 0);
  b.writeUInt32LE(h.version, 4);
  b.writeUInt32LE(h.flags >>> 0, 8);
  b.writeBigUInt64LE(BigInt(h.capacity), 12);
  b.writeBigUInt64LE(BigInt(h.grainSize), 20);
  b.writeBigUInt64LE(BigInt(h.descriptorOffset), 28);
  b.writeBigUInt64LE(BigInt(h.descriptorSize), 36);
  b.writeUInt32LE(h.numGTEsPerGT, 44);
  b.writeBigUInt64LE(BigInt(h.rgdOffset), 48);
  b.writeBigUInt64LE(h.gdOffset < 0 ? GD_AT_END : BigInt(h.gdOffset), 56);
  b.writeBigUInt64LE(BigInt(h.overHead), 64);
  b[72] = h.uncleanShutdown ? 1 : 0;
  b.write(NEWLINE_CHARS, 73, 'latin1');
  b.writeUInt16LE(h.compressAlgorithm, 77);
  return b;
}

/** True for a streamOptimized header: compressed grains with markers (version 3 in practice). */
export function isStreamOptimized(h: SparseHeader): boolean {
  return (h.flags & FLAG_COMPRESSED) !== 0 || (h.flags & FLAG_MARKERS) !== 0 || h.version === 3;
}

/** Entries in the grain directory: one per grain table needed to cover the capacity. */
export function gdEntries(h: SparseHeader): number {
  return Math.ceil(h.capacity / (h.grainSize * h.numGTEsPerGT));
}

/**
 * Checks the fields every reader relies on; `fileSize` (bytes) when known bounds the offsets. Errors name
 * the field, so a hostile or damaged file gets one clear line.
 */
export function checkSparseHeader(h: SparseHeader, maxCapacity: number, fileSize?: number): void {
  if (h.version < 1 || h.version > 3) throw new ConfigError(`VMDK sparse header version ${h.version} is not 1, 2 or 3`);
  // The newline test characters change when a file went through a text-mode transfer (FTP ASCII mode).
  if (h.flags & FLAG_NEWLINE_TEST && h.newlineChars !== NEWLINE_CHARS)
    throw new ConfigError('VMDK header fails the newline test: the file was corrupted by a text-mode transfer');
  if (h.grainSize < 1 || h.grainSize > MAX_GRAIN_SECTORS || (h.grainSize & (h.grainSize - 1)) !== 0) {
    throw new ConfigError(`VMDK grain size ${h.grainSize} sectors is not a power of two up to ${MAX_GRAIN_SECTORS}`);
  }
  if (h.numGTEsPerGT < 1 || h.numGTEsPerGT > MAX_GTES_PER_GT)
    throw new ConfigError(`VMDK grain tables of ${h.numGTEsPerGT} entries are not supported (at most ${MAX_GTES_PER_GT})`);
  if (h.capacity * SECTOR > maxCapacity)
    throw new ConfigError(`VMDK capacity ${h.capacity * SECTOR} bytes exceeds the limit of ${maxCapacity} bytes`);
  const compressed = (h.flags & FLAG_COMPRESSED) !== 0;
  if (compressed && h.compressAlgorithm !== COMPRESSION_DEFLATE)
    throw new ConfigError(`VMDK compression algorithm ${h.compressAlgorithm} is not deflate`);
  if (!compressed && h.compressAlgorithm !== COMPRESSION_NONE && h.compressAlgorithm !== COMPRESSION_DEFLATE) {
    throw new ConfigError(`VMDK compression algorithm ${h.compressAlgorithm} is unknown`);
  }
  if (h.descriptorSize > 0 && h.descriptorOffset === 0) throw new ConfigError('VMDK embedded descriptor overlaps the header');
  if (fileSize !== undefined) {
    const within = (what: string, start: number, sectors: number): void => {
      if (start * SECTOR + sectors * SECTOR > fileSize)
        throw new ConfigError(`VMDK ${what} (sectors ${start}..${start + sectors}) lies beyond the end of the file (${fileSize} bytes)`);
    };
    if (h.descriptorSize > 0) within('embedded descriptor', h.descriptorOffset, h.descriptorSize);
    const gdSectors = Math.ceil((gdEntries(h) * 4) / SECTOR);
    if (h.gdOffset >= 0) within('grain directory', h.gdOffset, gdSectors);
  }
}

/** The embedded descriptor's bytes range in a sparse file, limited to `maxBytes`. */
export function embeddedDescriptorRange(h: SparseHeader, maxBytes: number): { offset: number; length: number } | undefined {
  if (h.descriptorSize === 0) return undefined;
  const length = h.descriptorSize * SECTOR;
  if (length > maxBytes) throw new ConfigError(`VMDK embedded descriptor of ${length} bytes exceeds the limit of ${maxBytes} bytes`);
  return { offset: h.descriptorOffset * SECTOR, length };
}

/** The kind of image whose first bytes (at least 512; 64 KiB finds an embedded descriptor) are `head`. */
export function detectVmdkKind(head: Uint8Array): VmdkKind {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length >= 4 && b.readUInt32LE(0) === SPARSE_MAGIC) {
    if (b.length < SECTOR) return 'unknown';
    const flags = b.readUInt32LE(8);
    const version = b.readUInt32LE(4);
    if (flags & (FLAG_COMPRESSED | FLAG_MARKERS) || version === 3) return 'streamOptimized';
    // Extents of twoGbMaxExtentSparse may reserve descriptor sectors and leave them empty.
    const at = Number(b.readBigUInt64LE(28)) * SECTOR;
    if (b.readBigUInt64LE(36) === 0n || (at > 0 && at < b.length && isBlankDescriptor(b.subarray(at, at + SECTOR)))) return 'sparseExtent';
    return 'monolithicSparse';
  }
  if (b.length >= 4 && b.toString('latin1', 0, 4) === 'COWD') return 'vmfsSparse';
  if (b.length >= 8 && b.readBigUInt64LE(0) === 0xcafebaben) return 'seSparse';
  if (looksLikeDescriptor(b)) return 'descriptor';
  return 'unknown';
}

function looksLikeDescriptor(b: Buffer): boolean {
  const start = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  const sample = b.toString('latin1', start, Math.min(b.length, start + 4096));
  if (/[\x00-\x08\x0e-\x1f]/.test(sample.replace(/\0+$/, ''))) return false;
  // VMware writes "# Disk DescriptorFile" first; hand-made descriptors start with version= or other keys.
  return /^\s*#\s*Disk DescriptorFile/i.test(sample) || /^\s*(#[^\n]*\n\s*)*version\s*=\s*"?\d/i.test(sample);
}

/** True when embedded descriptor bytes hold no text (NUL-filled or blank). */
export function isBlankDescriptor(b: Uint8Array): boolean {
  const nul = b.indexOf(0);
  return (
    Buffer.from(b.buffer, b.byteOffset, nul >= 0 ? nul : b.length)
      .toString('latin1')
      .trim() === ''
  );
}

/**
 * The descriptor found in the first bytes of a .vmdk: the text itself, or the one embedded in a sparse
 * header's sectors (when `head` reaches them); undefined when there is none. Malformed text throws ConfigError.
 */
export function descriptorOfVmdkHead(head: Uint8Array): VmdkDescriptor | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const kind = detectVmdkKind(b);
  if (kind === 'descriptor') return parseVmdkDescriptor(b);
  if (kind !== 'monolithicSparse' && kind !== 'streamOptimized') return undefined;
  const h = decodeSparseHeader(b);
  const range = embeddedDescriptorRange(h, 4 * 1024 * 1024);
  if (range === undefined || range.offset >= b.length || isBlankDescriptor(b.subarray(range.offset, range.offset + range.length)))
    return undefined;
  return parseVmdkDescriptor(b.subarray(range.offset, Math.min(b.length, range.offset + range.length)));
}
