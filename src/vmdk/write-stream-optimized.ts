/**
 * Raw disk contents → a streamOptimized VMDK, as a Transform (raw bytes in, image bytes out), in the
 * layout of "Virtual Disk Format 5.0" that ESX imports (OVF/NFC) and qemu-img reads: header with
 * gdOffset = GD_AT_END and the embedded descriptor, then one grain marker + deflate data per non-zero
 * grain in LBA order, a GT marker + grain table after each table's grains, the GD marker + grain
 * directory, the footer marker + footer (the header with the real gdOffset), and the end-of-stream
 * marker. All-zero grains and all-zero grain tables are not written. Grains are deflated on libuv's
 * thread pool, a few at a time, and emitted in order; memory is bounded by that window.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { deflate, constants as zc } from 'node:zlib';
import { InvalidArgumentError } from '../errors.js';
import { formatVmdkDescriptor } from './descriptor.js';
import { newDiskDescriptor, type NewDiskOptions } from './ddb.js';
import {
  COMPRESSION_DEFLATE,
  encodeSparseHeader,
  FLAG_COMPRESSED,
  FLAG_MARKERS,
  FLAG_NEWLINE_TEST,
  MARKER_EOS,
  MARKER_FOOTER,
  MARKER_GD,
  MARKER_GT,
  SECTOR,
  type SparseHeader,
} from './sparse-header.js';
import { isZero } from './source.js';
import { checkCapacity, GRAIN_SECTORS, GTES_PER_GT, sectorPad } from './write-common.js';

/** Options of createStreamOptimizedWriter. */
export interface StreamOptimizedOptions extends NewDiskOptions {
  /** Size of the raw disk in bytes; the input must be exactly this long (rounded up to a sector with zeros). */
  capacity: number;
  /** File name the embedded descriptor's extent line names (default `disk.vmdk`). */
  fileName?: string;
  /** zlib level 0-9 (default: zlib's default, 6, as qemu-img and VMware use). */
  level?: number;
  /** Grains deflated at once on the thread pool (default 8: enough to keep libuv's 4 threads busy). */
  concurrency?: number;
}

interface Pending {
  lba: number;
  data: Promise<Buffer>;
}

function marker(value: number, size: number, type: number): Buffer {
  const m = Buffer.alloc(SECTOR);
  m.writeBigUInt64LE(BigInt(value), 0);
  m.writeUInt32LE(size, 8);
  m.writeUInt32LE(type, 12);
  return m;
}

function deflateAsync(b: Buffer, level: number): Promise<Buffer> {
  return new Promise((resolve, reject) => deflate(b, { level }, (err, out) => (err ? reject(err) : resolve(out))));
}

/** A Transform from raw disk bytes to a streamOptimized image of `capacity` bytes. */
export function createStreamOptimizedWriter(opts: StreamOptimizedOptions): Transform {
  const capacity = checkCapacity(opts.capacity);
  const sectors = Math.ceil(capacity / SECTOR);
  const grainBytes = GRAIN_SECTORS * SECTOR;
  const level = opts.level ?? zc.Z_DEFAULT_COMPRESSION;
  if (!Number.isInteger(level) || level < -1 || level > 9) throw new InvalidArgumentError(`deflate level ${level} is not -1..9`);
  const concurrency = opts.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new InvalidArgumentError(`concurrency ${concurrency} is not 1..64`);
  const fileName = opts.fileName ?? 'disk.vmdk';
  const descText = formatVmdkDescriptor(
    newDiskDescriptor('streamOptimized', [{ access: 'RW', sectors, type: 'SPARSE', fileName }], capacity, opts),
  );
  const descSectors = Math.ceil(Buffer.byteLength(descText) / SECTOR);
  const numGd = Math.ceil(sectors / (GRAIN_SECTORS * GTES_PER_GT));
  const header: SparseHeader = {
    version: 3,
    flags: FLAG_NEWLINE_TEST | FLAG_COMPRESSED | FLAG_MARKERS,
    capacity: sectors,
    grainSize: GRAIN_SECTORS,
    descriptorOffset: 1,
    descriptorSize: descSectors,
    numGTEsPerGT: GTES_PER_GT,
    rgdOffset: 0,
    gdOffset: -1,
    // Grains start at a grain boundary, as in the files VMware exports.
    overHead: Math.ceil((1 + descSectors) / GRAIN_SECTORS) * GRAIN_SECTORS,
    uncleanShutdown: false,
    newlineChars: '\n \r\n',
    compressAlgorithm: COMPRESSION_DEFLATE,
  };

  let received = 0;
  let position = 0; // output bytes so far
  let partial: Buffer | undefined; // the grain being filled
  let partialLen = 0;
  let nextGrain = 0; // index of the next grain to enter the pipeline
  let gtIndex = 0;
  let gtUsed = false;
  const gt = Buffer.alloc(GTES_PER_GT * 4);
  const gd = Buffer.alloc(Math.ceil((numGd * 4) / SECTOR) * SECTOR);
  const queue: Pending[] = [];

  const out = (b: Buffer): void => {
    self.push(b);
    position += b.length;
  };
  const flushGt = (): void => {
    if (gtUsed) {
      out(marker((GTES_PER_GT * 4) / SECTOR, 0, MARKER_GT));
      gd.writeUInt32LE(position / SECTOR, gtIndex * 4);
      out(Buffer.from(gt));
      gt.fill(0);
      gtUsed = false;
    }
  };
  const emit = async (p: Pending): Promise<void> => {
    const data = await p.data;
    const grain = p.lba / GRAIN_SECTORS;
    while (Math.floor(grain / GTES_PER_GT) > gtIndex) {
      flushGt();
      gtIndex++;
    }
    if (position / SECTOR > 0xffffffff)
      throw new InvalidArgumentError('streamOptimized image would exceed 2 TiB of compressed data (32-bit grain table entries)');
    gt.writeUInt32LE(position / SECTOR, (grain % GTES_PER_GT) * 4);
    gtUsed = true;
    const m = Buffer.alloc(12);
    m.writeBigUInt64LE(BigInt(p.lba), 0);
    m.writeUInt32LE(data.length, 8);
    out(m);
    out(data);
    const pad = sectorPad(12 + data.length);
    if (pad > 0) out(Buffer.alloc(pad));
  };
  const grainIn = async (g: Buffer): Promise<void> => {
    const lba = nextGrain * GRAIN_SECTORS;
    nextGrain++;
    if (isZero(g)) return;
    queue.push({ lba, data: deflateAsync(g, level) });
    while (queue.length >= concurrency) await emit(queue.shift() as Pending);
  };
  const take = async (chunk: Buffer): Promise<void> => {
    if (received + chunk.length > capacity) throw new InvalidArgumentError(`raw input is longer than the capacity of ${capacity} bytes`);
    received += chunk.length;
    let at = 0;
    while (at < chunk.length) {
      if (partialLen === 0 && chunk.length - at >= grainBytes) {
        // Whole grains straight from the input chunk, without copying.
        await grainIn(chunk.subarray(at, at + grainBytes));
        at += grainBytes;
        continue;
      }
      partial ??= Buffer.alloc(grainBytes);
      const k = Math.min(grainBytes - partialLen, chunk.length - at);
      chunk.copy(partial, partialLen, at, at + k);
      partialLen += k;
      at += k;
      if (partialLen === grainBytes) {
        const g = partial;
        partial = undefined;
        partialLen = 0;
        await grainIn(g);
      }
    }
  };
  const finish = async (): Promise<void> => {
    if (received !== capacity) throw new InvalidArgumentError(`raw input ended after ${received} bytes; the capacity is ${capacity} bytes`);
    if (partialLen > 0) {
      // The last grain is padded with zeros to a whole grain, so every reader finds full grains.
      (partial as Buffer).fill(0, partialLen);
      partialLen = 0;
      await grainIn(partial as Buffer);
    }
    while (queue.length > 0) await emit(queue.shift() as Pending);
    flushGt();
    out(marker(gd.length / SECTOR, 0, MARKER_GD));
    const gdSector = position / SECTOR;
    out(gd);
    out(marker(1, 0, MARKER_FOOTER));
    out(encodeSparseHeader({ ...header, gdOffset: gdSector }));
    out(marker(0, 0, MARKER_EOS));
  };

  const self = new Transform({
    readableHighWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      take(chunk).then(
        () => cb(),
        (e: unknown) => cb(e as Error),
      );
    },
    flush(cb: TransformCallback) {
      finish().then(
        () => cb(),
        (e: unknown) => cb(e as Error),
      );
    },
  });
  const head = Buffer.alloc(header.overHead * SECTOR);
  encodeSparseHeader(header).copy(head, 0);
  head.write(descText, SECTOR, 'utf8');
  out(head);
  return self;
}
