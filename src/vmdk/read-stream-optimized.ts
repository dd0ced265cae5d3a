/**
 * Sequential reading of a streamOptimized file ("Virtual Disk Format 5.0", "Stream-Optimized Compressed
 * Sparse Extents"): after the header and embedded descriptor come sector-aligned markers — grain markers
 * (LBA, compressed size, deflate data) and metadata markers (end of stream, grain table, grain directory,
 * footer). Grains must come in increasing LBA order, as every writer of the format emits them, so the
 * raw disk flows out without seeking; the tables are skipped (they only repeat what the markers said).
 */
import { ConfigError } from '../errors.js';
import { parseVmdkDescriptor, type DescriptorLimits, type VmdkDescriptor } from './descriptor.js';
import { fitGrain, inflateGrain, maxCompressedGrain } from './read-sparse.js';
import {
  decodeSparseHeader,
  embeddedDescriptorRange,
  gdEntries,
  MARKER_EOS,
  MARKER_FOOTER,
  MARKER_GD,
  MARKER_GT,
  SECTOR,
  type SparseHeader,
} from './sparse-header.js';
import { zeroChunks, type SequentialReader } from './source.js';

/** Reads the embedded descriptor (if any) and moves the reader to the first marker. `reader` is past the header. */
export async function readStreamPrologue(
  reader: SequentialReader,
  h: SparseHeader,
  limits: DescriptorLimits = {},
): Promise<VmdkDescriptor | undefined> {
  let descriptor: VmdkDescriptor | undefined;
  const range = embeddedDescriptorRange(h, limits.maxBytes ?? 4 * 1024 * 1024);
  if (range) {
    if (range.offset < reader.position) throw new ConfigError('VMDK embedded descriptor overlaps the header');
    await reader.skip(range.offset - reader.position, 'space before the descriptor');
    descriptor = parseVmdkDescriptor(await reader.read(range.length, 'embedded descriptor'), limits);
  }
  // Grains start after the metadata the header counts (qemu puts its tables there); some writers leave overHead short.
  const start = h.overHead * SECTOR;
  if (start > reader.position) await reader.skip(start - reader.position, 'metadata before the first grain');
  const misalign = reader.position % SECTOR;
  if (misalign) await reader.skip(SECTOR - misalign, 'padding');
  return descriptor;
}

/** The raw disk of a streamOptimized file read through its markers; `reader` stands at the first marker. */
export async function* streamOptimizedData(reader: SequentialReader, h: SparseHeader): AsyncGenerator<Buffer> {
  const grainBytes = h.grainSize * SECTOR;
  const total = h.capacity * SECTOR;
  const maxSize = maxCompressedGrain(grainBytes);
  const gtSectors = Math.ceil((h.numGTEsPerGT * 4) / SECTOR);
  const gdSectors = Math.ceil((gdEntries(h) * 4) / SECTOR);
  let next = 0; // bytes of the disk produced so far
  for (;;) {
    const at = reader.position;
    const m = await reader.readOrEnd(SECTOR, 'marker');
    if (m === undefined) {
      // qemu-img (before 8.0) writes its tables up front and may omit the end-of-stream marker; a file
      // that locates its grain directory through the footer must have one.
      if (h.gdOffset >= 0) break;
      throw new ConfigError(`VMDK streamOptimized file ends at offset ${at} without an end-of-stream marker (truncated?)`);
    }
    const value = m.readBigUInt64LE(0);
    const size = m.readUInt32LE(8);
    if (size === 0) {
      const type = m.readUInt32LE(12);
      const sectors = value;
      if (type === MARKER_EOS) break;
      if (type === MARKER_GT || type === MARKER_GD) {
        const limit = type === MARKER_GT ? gtSectors : gdSectors;
        if (sectors > BigInt(limit))
          throw new ConfigError(
            `VMDK ${type === MARKER_GT ? 'grain table' : 'grain directory'} marker at offset ${at} claims ${sectors} sectors (at most ${limit})`,
          );
        await reader.skip(Number(sectors) * SECTOR, type === MARKER_GT ? 'grain table' : 'grain directory');
        continue;
      }
      if (type === MARKER_FOOTER) {
        if (sectors !== 1n) throw new ConfigError(`VMDK footer marker at offset ${at} claims ${sectors} sectors`);
        const footer = decodeSparseHeader(await reader.read(SECTOR, 'footer'), 'footer');
        if (footer.capacity !== h.capacity || footer.grainSize !== h.grainSize)
          throw new ConfigError('VMDK footer disagrees with the header on capacity or grain size');
        continue;
      }
      throw new ConfigError(`VMDK marker at offset ${at} has unknown type ${type}`);
    }
    const lba = value;
    if (lba % BigInt(h.grainSize) !== 0n || lba >= BigInt(h.capacity))
      throw new ConfigError(`VMDK grain marker at offset ${at} has invalid sector ${lba}`);
    const start = Number(lba) * SECTOR;
    if (start < next)
      throw new ConfigError(
        `VMDK grain for sector ${lba} at offset ${at} comes after later sectors: grains out of order cannot be streamed`,
      );
    if (size > maxSize) throw new ConfigError(`VMDK compressed grain for sector ${lba} has an invalid size of ${size} bytes`);
    let data: Buffer;
    if (12 + size <= SECTOR) data = m.subarray(12, 12 + size);
    else data = Buffer.concat([m.subarray(12), await reader.read(12 + size - SECTOR, `compressed grain for sector ${lba}`)]);
    const pad = (SECTOR - ((12 + size) % SECTOR)) % SECTOR;
    if (12 + size > SECTOR && pad > 0) await reader.skip(pad, 'grain padding');
    const len = Math.min(grainBytes, total - start);
    const grain = fitGrain(inflateGrain(data, grainBytes, Number(lba)), len, Number(lba));
    if (start > next) yield* zeroChunks(start - next);
    yield grain;
    next = start + len;
  }
  if (next < total) yield* zeroChunks(total - next);
}
