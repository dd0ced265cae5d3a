/**
 * Raw disk contents → a flat VMDK: the extent is the raw bytes themselves (padded to a whole sector),
 * and a descriptor names it — `X.vmdk` + `X-flat.vmdk`, createType "vmfs" (VMFS datastores, extent
 * type VMFS) or "monolithicFlat" (hosted products, extent type FLAT with offset 0).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { InvalidArgumentError } from '../errors.js';
import { formatVmdkDescriptor, type VmdkExtent } from './descriptor.js';
import { checkExtentFileName, newDiskDescriptor, type NewDiskOptions } from './ddb.js';
import { SECTOR } from './sparse-header.js';
import { checkCapacity, sectorPad } from './write-common.js';

/** Options of flatVmdkDescriptor. */
export interface FlatDescriptorOptions extends NewDiskOptions {
  /** Disk size in bytes (rounded up to a sector). */
  capacity: number;
  /** The extent's file name in the descriptor's folder, e.g. `X-flat.vmdk` (see flatExtentName). */
  extentFileName: string;
  /** "vmfs" (default; ESX datastores) or "monolithicFlat" (Workstation, Fusion, qemu). */
  createType?: 'vmfs' | 'monolithicFlat';
}

/** Largest flat disk: VMFS-5/6's 62 TiB. */
const MAX_FLAT_CAPACITY = 62 * 2 ** 40;

/** The flat extent's conventional name for descriptor `X.vmdk`: `X-flat.vmdk`. */
export function flatExtentName(descriptorName: string): string {
  const base = descriptorName.replace(/\.vmdk$/i, '');
  if (base === '') throw new InvalidArgumentError(`'${descriptorName}' is not a disk file name`);
  return `${base}-flat.vmdk`;
}

/** Descriptor text for a flat disk whose extent is `extentFileName`. */
export function flatVmdkDescriptor(opts: FlatDescriptorOptions): string {
  const capacity = checkCapacity(opts.capacity, MAX_FLAT_CAPACITY);
  const sectors = Math.ceil(capacity / SECTOR);
  const createType = opts.createType ?? 'vmfs';
  if (createType !== 'vmfs' && createType !== 'monolithicFlat')
    throw new InvalidArgumentError(`flat createType '${String(createType)}' is not vmfs or monolithicFlat`);
  const fileName = checkExtentFileName(opts.extentFileName);
  const extent: VmdkExtent =
    createType === 'vmfs'
      ? { access: 'RW', sectors, type: 'VMFS', fileName }
      : { access: 'RW', sectors, type: 'FLAT', fileName, offset: 0 };
  return formatVmdkDescriptor(newDiskDescriptor(createType, [extent], capacity, opts));
}

/** A Transform that passes a raw disk of exactly `capacity` bytes through, padded with zeros to a whole sector. */
export function createFlatExtentWriter(capacity: number): Transform {
  checkCapacity(capacity, MAX_FLAT_CAPACITY);
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      received += chunk.length;
      if (received > capacity) return cb(new InvalidArgumentError(`raw input is longer than the capacity of ${capacity} bytes`));
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      if (received !== capacity)
        return cb(new InvalidArgumentError(`raw input ended after ${received} bytes; the capacity is ${capacity} bytes`));
      const pad = sectorPad(capacity);
      cb(null, pad > 0 ? Buffer.alloc(pad) : undefined);
    },
  });
}
