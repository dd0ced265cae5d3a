/**
 * Raw disk contents → a monolithicSparse VMDK (hosted sparse extent with embedded descriptor), laid out
 * as VMware's hosted products and qemu-img do: header, descriptor (20 sectors), redundant grain
 * directory and its preallocated grain tables, grain directory and its grain tables, then the grains.
 * The tables precede the grains, so the writer needs positional writes (a file); each grain table is
 * written once its grains have passed, so memory stays at one read batch and one table batch. The
 * header is written last: an interrupted file has no magic number and is not mistaken for a disk.
 */
import { InvalidArgumentError } from '../errors.js';
import { formatVmdkDescriptor } from './descriptor.js';
import { newDiskDescriptor, type NewDiskOptions } from './ddb.js';
import { COMPRESSION_NONE, encodeSparseHeader, FLAG_NEWLINE_TEST, FLAG_REDUNDANT_GT, SECTOR, type SparseHeader } from './sparse-header.js';
import { isZero, SequentialReader, type SequentialSource } from './source.js';
import { checkCapacity, GRAIN_SECTORS, GTES_PER_GT } from './write-common.js';

/** Where a writer that needs to seek puts its bytes (every byte of the result is written). */
export interface PositionalSink {
  write(position: number, data: Uint8Array): Promise<void>;
}

/** Options of writeMonolithicSparse. */
export interface MonolithicSparseOptions extends NewDiskOptions {
  /** Size of the raw disk in bytes; the input must be exactly this long (rounded up to a sector with zeros). */
  capacity: number;
  /** File name the embedded descriptor's extent line names (default `disk.vmdk`). */
  fileName?: string;
}

const WRITE_BATCH = 1024 * 1024;
const GT_BATCH = 32;
const DESCRIPTOR_SECTORS = 20;

/** Writes `raw` as a monolithicSparse image into `sink`; returns the image size in bytes. */
export async function writeMonolithicSparse(
  raw: SequentialSource,
  sink: PositionalSink,
  opts: MonolithicSparseOptions,
): Promise<{ size: number }> {
  const capacity = checkCapacity(opts.capacity);
  const sectors = Math.ceil(capacity / SECTOR);
  const grainBytes = GRAIN_SECTORS * SECTOR;
  const gtBytes = GTES_PER_GT * 4;
  const gtSectors = gtBytes / SECTOR;
  const descText = formatVmdkDescriptor(
    newDiskDescriptor(
      'monolithicSparse',
      [{ access: 'RW', sectors, type: 'SPARSE', fileName: opts.fileName ?? 'disk.vmdk' }],
      capacity,
      opts,
    ),
  );
  const descSectors = Math.max(DESCRIPTOR_SECTORS, Math.ceil(Buffer.byteLength(descText) / SECTOR));
  const numGd = Math.ceil(sectors / (GRAIN_SECTORS * GTES_PER_GT));
  const gdSectors = Math.ceil((numGd * 4) / SECTOR);
  const rgd = 1 + descSectors;
  const rgts = rgd + gdSectors;
  const gdOff = rgts + numGd * gtSectors;
  const gts = gdOff + gdSectors;
  const overHead = Math.ceil((gts + numGd * gtSectors) / GRAIN_SECTORS) * GRAIN_SECTORS;
  const header: SparseHeader = {
    version: 1,
    flags: FLAG_NEWLINE_TEST | FLAG_REDUNDANT_GT,
    capacity: sectors,
    grainSize: GRAIN_SECTORS,
    descriptorOffset: 1,
    descriptorSize: descSectors,
    numGTEsPerGT: GTES_PER_GT,
    rgdOffset: rgd,
    gdOffset: gdOff,
    overHead,
    uncleanShutdown: false,
    newlineChars: '\n \r\n',
    compressAlgorithm: COMPRESSION_NONE,
  };

  // Descriptor and both grain directories (every grain table is preallocated, as VMware does).
  const meta = Buffer.alloc((rgts - 1) * SECTOR);
  meta.write(descText, 0, 'utf8');
  const gd = Buffer.alloc(gdSectors * SECTOR);
  for (let i = 0; i < numGd; i++) gd.writeUInt32LE(gts + i * gtSectors, i * 4);
  const rgdBuf = Buffer.alloc(gdSectors * SECTOR);
  for (let i = 0; i < numGd; i++) rgdBuf.writeUInt32LE(rgts + i * gtSectors, i * 4);
  rgdBuf.copy(meta, (rgd - 1) * SECTOR);
  await sink.write(SECTOR, meta);
  await sink.write(gdOff * SECTOR, gd);
  const tail = overHead - (gts + numGd * gtSectors);
  if (tail > 0) await sink.write((gts + numGd * gtSectors) * SECTOR, Buffer.alloc(tail * SECTOR));

  let next = overHead; // sector of the next grain
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let batchAt = next;
  const flushGrains = async (): Promise<void> => {
    if (batchBytes === 0) return;
    await sink.write(batchAt * SECTOR, batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch, batchBytes));
    batch = [];
    batchBytes = 0;
    batchAt = next;
  };
  let gtBatch = Buffer.alloc(GT_BATCH * gtBytes);
  let gtFirst = 0; // index of the first grain table in gtBatch
  let gtCount = 0;
  const flushGts = async (): Promise<void> => {
    if (gtCount === 0) return;
    const b = gtBatch.subarray(0, gtCount * gtBytes);
    await sink.write((gts + gtFirst * gtSectors) * SECTOR, b);
    await sink.write((rgts + gtFirst * gtSectors) * SECTOR, b);
    gtFirst += gtCount;
    gtCount = 0;
    gtBatch = Buffer.alloc(GT_BATCH * gtBytes);
  };

  const reader = new SequentialReader(raw);
  let received = 0;
  try {
    for (let grain = 0; received < capacity; grain++) {
      const g = await reader.readUpTo(Math.min(grainBytes, capacity - received));
      if (g.length === 0) break;
      received += g.length;
      const t = Math.floor(grain / GTES_PER_GT);
      if (t - gtFirst >= GT_BATCH) await flushGts();
      gtCount = t - gtFirst + 1;
      if (isZero(g)) continue;
      if (next > 0xffffffff - GRAIN_SECTORS)
        throw new InvalidArgumentError('monolithicSparse image would exceed 2 TiB (32-bit grain table entries)');
      gtBatch.writeUInt32LE(next, (t - gtFirst) * gtBytes + (grain % GTES_PER_GT) * 4);
      // Whole grains only: the last one is padded with zeros.
      const full = g.length === grainBytes ? g : Buffer.concat([g, Buffer.alloc(grainBytes - g.length)]);
      batch.push(full);
      batchBytes += grainBytes;
      next += GRAIN_SECTORS;
      if (batchBytes >= WRITE_BATCH) await flushGrains();
    }
    if (received !== capacity) throw new InvalidArgumentError(`raw input ended after ${received} bytes; the capacity is ${capacity} bytes`);
    if ((await reader.readUpTo(1)).length > 0) throw new InvalidArgumentError(`raw input is longer than the capacity of ${capacity} bytes`);
  } finally {
    await reader.close();
  }
  await flushGrains();
  // Tables of the grains never reached (all zero) are written too, so the file needs no holes.
  while (gtFirst < numGd) {
    gtCount = Math.min(GT_BATCH, numGd - gtFirst);
    await flushGts();
  }
  await sink.write(0, encodeSparseHeader(header));
  return { size: next * SECTOR };
}
