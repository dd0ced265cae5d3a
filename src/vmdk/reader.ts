/**
 * One entry point for reading any supported image as a stream of raw disk contents: a descriptor with
 * FLAT/VMFS/ZERO/SPARSE extents (opened through a callback, so the core does no file I/O),
 * monolithicSparse, and streamOptimized (random access or a plain stream). Memory stays bounded:
 * grains are produced one batch at a time and unallocated regions as zero chunks.
 */
import { Readable } from 'node:stream';
import { ConfigError, UnsupportedError } from '../errors.js';
import { checkExtentFileName } from './ddb.js';
import { descriptorCapacity, parseVmdkDescriptor, type DescriptorLimits, type VmdkDescriptor, type VmdkExtent } from './descriptor.js';
import { checkNoParent, openSparseExtent, sparseExtentData } from './read-sparse.js';
import { readStreamPrologue, streamOptimizedData } from './read-stream-optimized.js';
import {
  checkSparseHeader,
  decodeSparseHeader,
  DEFAULT_MAX_CAPACITY,
  detectVmdkKind,
  SECTOR,
  type SparseHeader,
  type VmdkKind,
} from './sparse-header.js';
import { isRandomAccess, readExactly, SequentialReader, zeroChunks, type ByteSource } from './source.js';

/** Options of openVmdkReader. */
export interface OpenVmdkOptions {
  /**
   * Opens an extent named by a descriptor (a plain file name in the descriptor's folder, already checked).
   * FLAT/VMFS extents may be sequential sources; SPARSE extents need random access.
   */
  openExtent?(fileName: string): Promise<ByteSource & { close?(): Promise<void> }>;
  /** Largest capacity accepted, in bytes (default 64 TiB). */
  maxCapacity?: number;
  /** Limits on descriptor text. */
  descriptorLimits?: DescriptorLimits;
}

/** An opened image: what it is and a stream of its raw contents. */
export interface VmdkReader {
  kind: VmdkKind;
  /** Disk size in bytes (the stream yields exactly this many). */
  capacity: number;
  /** The descriptor (embedded or the file itself), when there is one. */
  descriptor?: VmdkDescriptor;
  /** The sparse header, for sparse and streamOptimized images. */
  header?: SparseHeader;
  /** The raw disk contents; call once. Errors surface as the stream's 'error' (EsxError). */
  stream(): Readable;
}

const READ_CHUNK = 1024 * 1024;
const HEAD_BYTES = 4096;

function once(make: () => AsyncGenerator<Buffer>): () => Readable {
  let used = false;
  return () => {
    if (used) throw new ConfigError('the VMDK reader stream was already taken');
    used = true;
    return Readable.from(make(), { objectMode: false, highWaterMark: READ_CHUNK });
  };
}

/** Opens `source` (random access, or a stream for descriptors and streamOptimized) for reading. */
export async function openVmdkReader(source: ByteSource, opts: OpenVmdkOptions = {}): Promise<VmdkReader> {
  const maxCapacity = opts.maxCapacity ?? DEFAULT_MAX_CAPACITY;
  const limits = opts.descriptorLimits ?? {};
  const maxDescriptor = limits.maxBytes ?? 4 * 1024 * 1024;
  if (isRandomAccess(source)) {
    const head = Buffer.from(await source.read(0, Math.min(source.size, HEAD_BYTES)));
    const kind = detectVmdkKind(head);
    if (kind === 'descriptor') {
      if (source.size > maxDescriptor) throw new ConfigError(`VMDK descriptor is larger than ${maxDescriptor} bytes`);
      return descriptorReader(parseVmdkDescriptor(await readExactly(source, 0, source.size, 'descriptor'), limits), opts, maxCapacity);
    }
    if (kind === 'monolithicSparse' || kind === 'streamOptimized' || kind === 'sparseExtent') {
      const ext = await openSparseExtent(source, maxCapacity, limits);
      checkNoParent(ext.descriptor);
      return {
        kind,
        capacity: ext.capacity,
        header: ext.header,
        ...(ext.descriptor ? { descriptor: ext.descriptor } : {}),
        stream: once(() => sparseExtentData(source, ext)),
      };
    }
    throw notVmdk(kind);
  }
  const reader = new SequentialReader(source);
  try {
    // A descriptor may be shorter than a sector.
    const head = await reader.readUpTo(SECTOR);
    const kind = detectVmdkKind(head);
    if (kind === 'descriptor') {
      const rest = await reader.readUpTo(maxDescriptor - head.length + 1);
      if (head.length + rest.length > maxDescriptor) throw new ConfigError(`VMDK descriptor is larger than ${maxDescriptor} bytes`);
      await reader.close();
      return descriptorReader(parseVmdkDescriptor(Buffer.concat([head, rest]), limits), opts, maxCapacity);
    }
    if (kind === 'streamOptimized') {
      const h = decodeSparseHeader(head);
      checkSparseHeader(h, maxCapacity);
      const descriptor = await readStreamPrologue(reader, h, limits);
      checkNoParent(descriptor);
      const data = async function* (): AsyncGenerator<Buffer> {
        try {
          yield* streamOptimizedData(reader, h);
        } finally {
          await reader.close();
        }
      };
      return { kind, capacity: h.capacity * SECTOR, header: h, ...(descriptor ? { descriptor } : {}), stream: once(data) };
    }
    if (kind === 'monolithicSparse' || kind === 'sparseExtent')
      throw new UnsupportedError(`reading a ${kind} VMDK image needs random access (a source with read(offset, length)), not a stream`);
    throw notVmdk(kind);
  } catch (e) {
    await reader.close();
    throw e;
  }
}

function notVmdk(kind: VmdkKind): Error {
  if (kind === 'vmfsSparse' || kind === 'seSparse')
    return new UnsupportedError(`${kind} VMDK extents (ESX snapshot deltas) are not supported`);
  return new ConfigError('not a VMDK image: neither a sparse header (KDMV) nor a descriptor');
}

function descriptorReader(d: VmdkDescriptor, opts: OpenVmdkOptions, maxCapacity: number): VmdkReader {
  checkNoParent(d);
  if (d.createType === 'vmfsSparse' || d.createType === 'seSparse')
    throw new UnsupportedError(`${d.createType} VMDK disks (ESX snapshot deltas) are not supported`);
  const capacity = descriptorCapacity(d);
  if (capacity > maxCapacity) throw new ConfigError(`VMDK capacity ${capacity} bytes exceeds the limit of ${maxCapacity} bytes`);
  for (const e of d.extents) {
    if (e.type !== 'ZERO' && e.type !== 'FLAT' && e.type !== 'VMFS' && e.type !== 'SPARSE')
      throw new UnsupportedError(`VMDK ${e.type} extents are not supported`);
    if (e.access === 'NOACCESS') throw new UnsupportedError(`VMDK extent '${e.fileName ?? 'ZERO'}' is NOACCESS`);
    if (e.fileName !== undefined) checkExtentFileName(e.fileName);
  }
  if (d.extents.some((e) => e.type !== 'ZERO') && !opts.openExtent)
    throw new UnsupportedError('reading a VMDK descriptor needs a way to open its extents (openExtent)');
  const kind: VmdkKind = 'descriptor';
  return {
    kind,
    capacity,
    descriptor: d,
    stream: once(async function* () {
      for (const e of d.extents) yield* extentData(e, opts, maxCapacity);
    }),
  };
}

async function* extentData(e: VmdkExtent, opts: OpenVmdkOptions, maxCapacity: number): AsyncGenerator<Buffer> {
  const len = e.sectors * SECTOR;
  if (e.type === 'ZERO') {
    yield* zeroChunks(len);
    return;
  }
  const name = checkExtentFileName(e.fileName as string);
  const src = await (opts.openExtent as NonNullable<OpenVmdkOptions['openExtent']>)(name);
  try {
    if (e.type === 'SPARSE') {
      if (!isRandomAccess(src)) throw new UnsupportedError(`VMDK sparse extent '${name}' needs random access`);
      const ext = await openSparseExtent(src, maxCapacity, {}, false);
      yield* sparseExtentData(src, ext, e.sectors);
      return;
    }
    const offset = (e.offset ?? 0) * SECTOR;
    if (isRandomAccess(src)) {
      if (offset + len > src.size)
        throw new ConfigError(`VMDK extent '${name}' holds ${src.size} bytes, the descriptor needs ${offset + len}`);
      for (let at = 0; at < len; at += READ_CHUNK)
        yield await readExactly(src, offset + at, Math.min(READ_CHUNK, len - at), `extent '${name}'`);
      return;
    }
    const reader = new SequentialReader(src);
    try {
      await reader.skip(offset, `extent '${name}' before its offset`);
      for (let at = 0; at < len; at += READ_CHUNK) yield await reader.read(Math.min(READ_CHUNK, len - at), `extent '${name}'`);
    } finally {
      await reader.close();
    }
  } finally {
    await (src as { close?(): Promise<void> }).close?.();
  }
}
