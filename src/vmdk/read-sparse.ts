/**
 * Random-access reading of hosted sparse extents (monolithicSparse, twoGbMaxExtentSparse extents) and of
 * streamOptimized files through their grain directory and grain tables ("Virtual Disk Format 5.0",
 * "Grain Directories and Grain Tables"; "Stream-Optimized Compressed Sparse Extents"). Every offset read
 * from the file is checked against the file size before it is used; memory stays at one GD batch, one
 * grain table and one read batch.
 */
import { inflateSync } from 'node:zlib';
import { ConfigError, UnsupportedError } from '../errors.js';
import {
  checkSparseHeader,
  decodeSparseHeader,
  embeddedDescriptorRange,
  FLAG_COMPRESSED,
  FLAG_ZERO_GRAIN_GTE,
  gdEntries,
  isStreamOptimized,
  isBlankDescriptor,
  MARKER_EOS,
  MARKER_FOOTER,
  SECTOR,
  type SparseHeader,
} from './sparse-header.js';
import { parseVmdkDescriptor, type DescriptorLimits, type VmdkDescriptor } from './descriptor.js';
import { readExactly, zeroChunks, type RandomAccessSource } from './source.js';

/** A sparse extent opened for reading: its header (gdOffset resolved through the footer) and descriptor. */
export interface SparseExtent {
  header: SparseHeader;
  descriptor?: VmdkDescriptor;
  /** Capacity in bytes. */
  capacity: number;
}

/** Largest single read of adjacent grains. */
const READ_BATCH = 1024 * 1024;
/** GD entries read at a time (64 KiB). */
const GD_BATCH = 16 * 1024;

/** How much larger than a grain its compressed form may be: deflate's worst case on incompressible data is far below. */
export function maxCompressedGrain(grainBytes: number): number {
  return grainBytes + 4096;
}

/** Inflates one compressed grain, refusing output past `grainBytes` (deflate bombs) and broken streams. */
export function inflateGrain(data: Buffer, grainBytes: number, lba: number): Buffer {
  try {
    return inflateSync(data, { maxOutputLength: grainBytes });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ConfigError(`VMDK grain at sector ${lba} inflates to more than the grain size (${grainBytes} bytes)`);
    throw new ConfigError(`VMDK grain at sector ${lba} is not valid deflate data: ${(e as Error).message}`, { cause: e });
  }
}

/** Reads and checks the header (and the footer of a streamOptimized file whose GD is at the end) and the embedded descriptor. */
export async function openSparseExtent(
  src: RandomAccessSource,
  maxCapacity: number,
  limits: DescriptorLimits = {},
  withDescriptor = true,
): Promise<SparseExtent> {
  let header = decodeSparseHeader(await readExactly(src, 0, SECTOR, 'header'));
  checkSparseHeader(header, maxCapacity);
  if (header.gdOffset < 0) {
    if (!isStreamOptimized(header))
      throw new ConfigError('VMDK header says the grain directory is at the end, but the file is not streamOptimized');
    // The footer is the second-to-last sector, after its marker and before the end-of-stream marker.
    if (src.size < 4 * SECTOR) throw new ConfigError('VMDK streamOptimized file is too short for a footer');
    const tail = await readExactly(src, src.size - 3 * SECTOR, 3 * SECTOR, 'footer');
    const marker = tail.subarray(0, SECTOR);
    const eos = tail.subarray(2 * SECTOR);
    if (marker.readUInt32LE(8) !== 0 || marker.readUInt32LE(12) !== MARKER_FOOTER)
      throw new ConfigError('VMDK streamOptimized file has no footer marker before its end-of-stream marker (truncated?)');
    if (eos.readBigUInt64LE(0) !== 0n || eos.readUInt32LE(8) !== 0 || eos.readUInt32LE(12) !== MARKER_EOS)
      throw new ConfigError('VMDK streamOptimized file does not end with an end-of-stream marker (truncated?)');
    const footer = decodeSparseHeader(tail.subarray(SECTOR, 2 * SECTOR), 'footer');
    if (footer.gdOffset < 0) throw new ConfigError('VMDK footer does not locate the grain directory');
    if (footer.capacity !== header.capacity || footer.grainSize !== header.grainSize || footer.numGTEsPerGT !== header.numGTEsPerGT) {
      throw new ConfigError('VMDK footer disagrees with the header on capacity or grain size');
    }
    header = { ...header, gdOffset: footer.gdOffset };
  }
  checkSparseHeader(header, maxCapacity, src.size);
  const ext: SparseExtent = { header, capacity: header.capacity * SECTOR };
  const range = embeddedDescriptorRange(header, limits.maxBytes ?? 4 * 1024 * 1024);
  if (range && withDescriptor) {
    const text = await readExactly(src, range.offset, range.length, 'embedded descriptor');
    if (!isBlankDescriptor(text)) ext.descriptor = parseVmdkDescriptor(text, limits);
  }
  return ext;
}

/**
 * The first `sectors` sectors of an opened sparse extent as raw bytes, in order; unallocated grains as
 * zeros. `sectors` defaults to the capacity.
 */
export async function* sparseExtentData(src: RandomAccessSource, ext: SparseExtent, sectors = ext.header.capacity): AsyncGenerator<Buffer> {
  const h = ext.header;
  if (sectors > h.capacity) throw new ConfigError(`VMDK extent is described as ${sectors} sectors but holds ${h.capacity}`);
  const grainBytes = h.grainSize * SECTOR;
  const compressed = (h.flags & FLAG_COMPRESSED) !== 0;
  const zeroGte = (h.flags & FLAG_ZERO_GRAIN_GTE) !== 0;
  const headEnd = Math.max(1, h.descriptorOffset + h.descriptorSize);
  const total = sectors * SECTOR;
  const perGt = h.numGTEsPerGT;
  const numGd = Math.ceil(sectors / (h.grainSize * perGt));
  if (numGd > gdEntries(h)) throw new ConfigError('VMDK grain directory is shorter than the extent');
  let emitted = 0;
  let pendingZeros = 0;
  // Adjacent uncompressed grains are read in one request.
  let runStart = -1;
  let runBytes = 0;

  function* flushZeros(): Generator<Buffer> {
    if (pendingZeros > 0) yield* zeroChunks(pendingZeros);
    emitted += pendingZeros;
    pendingZeros = 0;
  }
  async function readRun(): Promise<Buffer | undefined> {
    if (runBytes === 0) return undefined;
    const b = await readExactly(src, runStart, runBytes, `grain data at offset ${runStart}`);
    emitted += runBytes;
    runStart = -1;
    runBytes = 0;
    return b;
  }

  for (let gdBase = 0; gdBase < numGd; gdBase += GD_BATCH) {
    const n = Math.min(GD_BATCH, numGd - gdBase);
    const gd = await readExactly(src, h.gdOffset * SECTOR + gdBase * 4, n * 4, 'grain directory');
    for (let gi = 0; gi < n; gi++) {
      const g = gdBase + gi;
      const gtSector = gd.readUInt32LE(gi * 4);
      const gtStart = g * perGt * grainBytes;
      const gtLen = Math.min(perGt * grainBytes, total - gtStart);
      if (gtSector === 0) {
        pendingZeros += gtLen;
        continue;
      }
      const gt = await readExactly(src, gtSector * SECTOR, perGt * 4, `grain table ${g}`);
      for (let i = 0; i < perGt; i++) {
        const at = gtStart + i * grainBytes;
        if (at >= total) break;
        const len = Math.min(grainBytes, total - at);
        const gte = gt.readUInt32LE(i * 4);
        if (gte === 0 || (gte === 1 && zeroGte)) {
          const run = await readRun();
          if (run) yield run;
          pendingZeros += len;
          continue;
        }
        const lba = at / SECTOR;
        if (gte < headEnd) throw new ConfigError(`VMDK grain table ${g} points grain at sector ${lba} into the header or descriptor`);
        if (compressed) {
          const run = await readRun();
          if (run) yield run;
          yield* flushZeros();
          const grain = await readCompressedGrain(src, gte * SECTOR, lba, grainBytes, len);
          emitted += len;
          yield grain;
          continue;
        }
        const off = gte * SECTOR;
        if (off + len > src.size) throw new ConfigError(`VMDK grain table ${g} points grain at sector ${lba} beyond the end of the file`);
        if (runBytes > 0 && runStart + runBytes === off && runBytes + len <= READ_BATCH) {
          runBytes += len;
          continue;
        }
        const run = await readRun();
        if (run) yield run;
        yield* flushZeros();
        runStart = off;
        runBytes = len;
      }
    }
  }
  const run = await readRun();
  if (run) yield run;
  yield* flushZeros();
  if (emitted !== total) throw new ConfigError(`VMDK extent produced ${emitted} bytes instead of ${total}`);
}

async function readCompressedGrain(src: RandomAccessSource, off: number, lba: number, grainBytes: number, len: number): Promise<Buffer> {
  const max = maxCompressedGrain(grainBytes);
  if (off + 12 > src.size) throw new ConfigError(`VMDK grain marker for sector ${lba} lies beyond the end of the file`);
  // Most compressed grains are smaller than a grain: one read usually gets marker and data.
  let b: Buffer = Buffer.from(await src.read(off, Math.min(src.size - off, SECTOR + grainBytes)));
  if (b.length < 12) throw new ConfigError(`VMDK file is truncated in the grain marker for sector ${lba}`);
  const markerLba = Number(b.readBigUInt64LE(0));
  const size = b.readUInt32LE(8);
  if (markerLba !== lba)
    throw new ConfigError(`VMDK grain marker at offset ${off} is for sector ${markerLba}, but the grain table expects sector ${lba}`);
  if (size === 0 || size > max) throw new ConfigError(`VMDK compressed grain for sector ${lba} has an invalid size of ${size} bytes`);
  if (b.length < 12 + size) {
    if (off + 12 + size > src.size) throw new ConfigError(`VMDK compressed grain for sector ${lba} lies beyond the end of the file`);
    b = await readExactly(src, off, 12 + size, `compressed grain for sector ${lba}`);
  }
  const data = inflateGrain(b.subarray(12, 12 + size), grainBytes, lba);
  return fitGrain(data, len, lba);
}

/** A grain's inflated bytes cut to the `len` it covers; a grain shorter than that is damaged. */
export function fitGrain(data: Buffer, len: number, lba: number): Buffer {
  if (data.length < len) throw new ConfigError(`VMDK grain for sector ${lba} inflates to ${data.length} bytes, expected ${len}`);
  return data.length === len ? data : data.subarray(0, len);
}

/** Refuses sparse extents that need a parent disk (snapshots), whose unallocated grains are not zeros. */
export function checkNoParent(d: VmdkDescriptor | undefined): void {
  if (d !== undefined && d.parentCid !== 0xffffffff) {
    throw new UnsupportedError(
      `VMDK image is a delta disk of '${d.parentFileNameHint ?? 'an unnamed parent'}'; reading snapshot chains is not supported`,
    );
  }
}
