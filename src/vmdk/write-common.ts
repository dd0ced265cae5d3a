/**
 * What the writers share: the grain geometry VMware uses for new hosted sparse and streamOptimized
 * files (64 KiB grains, 512-entry grain tables) and the capacity rules.
 */
import { InvalidArgumentError } from '../errors.js';
import { SECTOR } from './sparse-header.js';

/** Grain size of written images, in sectors (64 KiB, VMware's and qemu-img's default). */
export const GRAIN_SECTORS = 128;
/** Entries per grain table of written images (the only value the specification allows). */
export const GTES_PER_GT = 512;
/** Largest capacity the sparse writers accept: 32-bit grain table entries address 2 TiB of file. */
export const MAX_SPARSE_CAPACITY = 2 ** 41 - GRAIN_SECTORS * SECTOR;

/** Checks a capacity in bytes (a positive safe integer up to `max`) and returns it. */
export function checkCapacity(capacity: number, max = MAX_SPARSE_CAPACITY): number {
  if (!Number.isSafeInteger(capacity) || capacity <= 0)
    throw new InvalidArgumentError(`disk capacity ${capacity} is not a positive number of bytes`);
  if (capacity > max) throw new InvalidArgumentError(`disk capacity ${capacity} bytes exceeds the format's limit of ${max} bytes`);
  return capacity;
}

/** Zero bytes needed after `n` bytes to reach a sector boundary. */
export function sectorPad(n: number): number {
  return (SECTOR - (n % SECTOR)) % SECTOR;
}
